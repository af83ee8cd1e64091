const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (character) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character]!);

/**
 * The form a browser without a session gets instead of a JSON 401. login.js first
 * asks /ui/session whether the cookie is there after all: SameSite=Strict leaves
 * it off a link followed from another site (an alert in Slack), and a reload from
 * here is same-site.
 */
export function loginPage(options: { next: string; error?: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>pipewatch console · sign in</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/ui/assets/style.css">
<script type="module" src="/ui/assets/login.js"></script>
</head>
<body class="login">
<main class="login-box">
  <h1><span class="logo">pipewatch</span> console</h1>
  <p>Enter one of the ingest tokens (<code>PIPEWATCH_INGEST_TOKENS</code>). It is kept in an HttpOnly cookie for this browser session.</p>
  ${options.error ? `<p class="error" role="alert">${escapeHtml(options.error)}</p>` : ''}
  <form method="post" action="/ui/login">
    <input type="hidden" name="next" value="${escapeHtml(options.next)}">
    <label>Token <input type="password" name="token" autocomplete="current-password" required autofocus></label>
    <button type="submit">Sign in</button>
  </form>
</main>
</body>
</html>
`;
}
