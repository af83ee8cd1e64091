// The console's JSON API, same origin: the session cookie rides along.

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

function signIn() {
  location.assign(`/ui/login?next=${encodeURIComponent(location.pathname + location.search)}`);
}

/** GET with query parameters; empty ones are left out. */
export async function getJson(path, params = {}) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') query.set(name, String(value));
  const response = await fetch(query.size > 0 ? `${path}?${query}` : path, { headers: { accept: 'application/json' } });
  return answer(response);
}

export async function postJson(path, body) {
  const response = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) });
  return answer(response);
}

async function answer(response) {
  const body = await response.json().catch(() => null);
  if (response.status === 401) signIn();
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}
