/** A kind of secret with a recognisable shape. `pattern` must be global. */
export interface SecretPattern {
  kind: string;
  pattern: RegExp;
  /** Replace only this capture group (1-based), keeping e.g. `password=` readable. */
  group?: number;
}

/** The first line of a PEM / OpenSSH / PGP private key block. */
export const PRIVATE_KEY_BEGIN = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----/;
/** Its last line. */
export const PRIVATE_KEY_END = /-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----/;

/**
 * Shapes of credentials that leak into CI logs and payloads. Prefixes are the
 * vendors' documented token formats; the generic assignment rule is last and only
 * fires on values long and random enough to be credentials, not on `password=false`.
 */
export const SECRET_PATTERNS: readonly SecretPattern[] = [
  // Without an END on the same line the block runs to the end of the text: failing closed.
  {
    kind: 'private_key',
    pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$)/g,
  },
  { kind: 'github_token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g },
  { kind: 'gitlab_token', pattern: /\bgl(?:pat|dt|rt|ptt|cbt|imt|oas|ft|soat|agent)-[A-Za-z0-9_-]{20,255}/g },
  { kind: 'aws_access_key_id', pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/g },
  {
    // `AWS_SECRET_ACCESS_KEY=…`, `aws configure set aws_secret_access_key …`, `"SecretAccessKey": "…"` (STS output).
    kind: 'aws_secret_access_key',
    pattern: /(secret_?access_?key["']?(?:\s*[:=]\s*|\s+)["']?)([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/gi,
    group: 2,
  },
  {
    kind: 'aws_session_token',
    pattern: /(session_?token["']?(?:\s*[:=]\s*|\s+)["']?)([A-Za-z0-9/+=]{100,})/gi,
    group: 2,
  },
  { kind: 'slack_token', pattern: /\bx(?:ox[abposre]|app)-[A-Za-z0-9-]{10,250}\b/g },
  { kind: 'slack_webhook', pattern: /https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/_-]+/g },
  // The header segment is bounded: unbounded, every `eyJ` inside one long `eyJa-eyJa-…` run rescanned it (quadratic).
  { kind: 'jwt', pattern: /\beyJ[A-Za-z0-9_-]{8,4096}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
  { kind: 'npm_token', pattern: /\bnpm_[A-Za-z0-9]{36}\b/g },
  { kind: 'bearer', pattern: /(\bBearer\s+)([A-Za-z0-9._~+/-]{16,}=*)/g, group: 2 },
  { kind: 'basic_auth', pattern: /(\bBasic\s+)([A-Za-z0-9+/]{16,}={0,2})(?![A-Za-z0-9+/=])/g, group: 2 },
  // The scheme is read from the start of its run only (any scheme characters): starting at every word
  // boundary inside a long `a.a.a…` run, as `\b[a-z]` did, was quadratic.
  { kind: 'url_credentials', pattern: /((?<![a-z0-9+.-])[a-z0-9+.-]+:\/\/[^\s:/@]+:)([^\s@/]{3,})(@)/gi, group: 2 },
];

/**
 * `name=value` / `"name": "value"` where the name says secret; judged by entropy afterwards.
 * The name is matched from the start of its run of name characters only, and the
 * secret word is found by a lookahead (atomic in JavaScript): with a name word
 * matched by backtracking, a 64 KiB line like `password.password.…` took hours.
 */
export const SECRET_ASSIGNMENT =
  /((?<![A-Za-z0-9_.-])(?=[A-Za-z0-9_.-]*?(?:password|passwd|pwd|secret|token|api_?key|access_?key|auth))[A-Za-z0-9_.-]+["']?\s*[:=]\s*["']?)([^\s"',;]{8,})/gi;

/** `--password VALUE` style flags, where the value follows a space (and is not the next flag); judged by entropy too. */
export const SECRET_FLAG = /((?:^|\s)--?[a-z-]*(?:password|passwd|token|secret|api-?key)\s+["']?)([^\s"',;-][^\s"',;]{7,})/gi;

/**
 * A cheap first look: matches every text in which any rule above could match, and
 * more. Text it does not match has nothing to mask but known values, so the rules
 * need not run. The token rules contribute a necessary literal part of their match;
 * the assignment and flag rules take part whole, since a looser form of them would
 * backtrack quadratically on long runs of name characters. It holds for a text and
 * for texts joined with newlines (no literal part spans one). Extend it with every
 * new rule (test/redact-hint.test.ts checks the two agree).
 */
export const SECRET_HINT = new RegExp(
  [
    '-----BEGIN', // private_key
    'gh[pousr]_', // github_token
    'github_pat_',
    'gl(?:pat|dt|rt|ptt|cbt|imt|oas|ft|soat|agent)-', // gitlab_token
    'AKIA|ASIA|ABIA|ACCA', // aws_access_key_id
    'secret_?access_?key', // aws_secret_access_key
    'session_?token', // aws_session_token
    'xox[abposre]-|xapp-', // slack_token
    'hooks\\.slack\\.com/services/', // slack_webhook
    'eyJ', // jwt
    'npm_', // npm_token
    'Bearer\\s', // bearer
    'Basic\\s', // basic_auth
    ':\\/\\/[^\\s/@]+@', // url_credentials: user:password between :// and @
    SECRET_ASSIGNMENT.source,
    SECRET_FLAG.source,
  ].join('|'),
  'i',
);
