import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SelfAuthenticatedRouteConfig } from '@pipewatch/collector';
import type { ConsoleDeps } from './console-deps.js';
import { loginPage } from './login-page.js';
import { setPageHeaders } from './security-headers.js';
import { UI_DIR, loadStaticFiles, loadUplotFiles, type StaticFile } from './static-files.js';
import { clearTokenCookie, hasValidToken, safeNext, setTokenCookie, withoutToken } from './token-cookie.js';

/** Pages and the login form answer browsers themselves (a form, not a JSON 401). */
const SELF_AUTHENTICATED: { config: SelfAuthenticatedRouteConfig } = { config: { selfAuthenticated: true } };

/**
 * The console's pages (`/ui`, `/ui/findings/<id>`, `/ui/pipelines`... all the same
 * single page), its static files and uPlot's, and the login flow. Static files
 * are code, the same for everyone, so they need no token; the pages and every
 * API answer do.
 */
export function registerUiRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  const own = loadStaticFiles(UI_DIR);
  const vendor = loadUplotFiles();
  const index = own.get('index.html');
  if (!index) throw new Error(`console page missing: ${UI_DIR}index.html`);

  const sendFile = (reply: FastifyReply, file: StaticFile | undefined, cache: string): FastifyReply => {
    if (!file) return reply.code(404).type('text/plain; charset=utf-8').send('not found');
    return reply.type(file.type).header('cache-control', cache).header('x-content-type-options', 'nosniff').send(file.body);
  };
  app.get<{ Params: { file: string } }>('/ui/assets/:file', SELF_AUTHENTICATED, (request, reply) =>
    sendFile(reply, request.params.file === 'index.html' ? undefined : own.get(request.params.file), 'no-cache'),
  );
  app.get<{ Params: { file: string } }>('/ui/vendor/:file', SELF_AUTHENTICATED, (request, reply) =>
    sendFile(reply, vendor.get(request.params.file), 'public, max-age=86400'),
  );

  const showLogin = (reply: FastifyReply, status: number, next: string, error?: string): FastifyReply =>
    setPageHeaders(reply).code(status).type('text/html; charset=utf-8').send(loginPage({ next, ...(error ? { error } : {}) }));

  /** `?token=` once: checked like a bearer token, kept as the session cookie, then dropped from the URL. */
  const acceptQueryToken = (request: FastifyRequest, reply: FastifyReply, token: string, next: string): FastifyReply => {
    if (deps.auth.checkToken(token) !== 'ok') return showLogin(reply, 401, next, 'That token is not one of the configured tokens.');
    setTokenCookie(reply, request, token);
    return setPageHeaders(reply).redirect(next, 303);
  };

  const page = (request: FastifyRequest<{ Querystring: { token?: unknown } }>, reply: FastifyReply): FastifyReply => {
    const token = request.query.token;
    if (deps.auth.enabled && typeof token === 'string') return acceptQueryToken(request, reply, token, withoutToken(request.url));
    if (!hasValidToken(request, deps.auth)) return showLogin(reply, 401, safeNext(withoutToken(request.url)));
    return setPageHeaders(reply).type(index.type).send(index.body);
  };
  app.get('/ui', SELF_AUTHENTICATED, page);
  app.get('/ui/*', SELF_AUTHENTICATED, page);

  app.get<{ Querystring: { token?: unknown; next?: unknown } }>('/ui/login', SELF_AUTHENTICATED, (request, reply) => {
    const next = safeNext(request.query.next);
    if (deps.auth.enabled && typeof request.query.token === 'string') return acceptQueryToken(request, reply, request.query.token, next);
    if (hasValidToken(request, deps.auth)) return setPageHeaders(reply).redirect(next, 303);
    return showLogin(reply, 200, next);
  });
  app.post<{ Body: unknown }>('/ui/login', SELF_AUTHENTICATED, (request, reply) => {
    const form = (request.body ?? {}) as Record<string, unknown>;
    const next = safeNext(form.next);
    if (!deps.auth.enabled) return setPageHeaders(reply).redirect(next, 303);
    if (typeof form.token !== 'string' || form.token === '') return showLogin(reply, 401, next, 'Enter a token.');
    return acceptQueryToken(request, reply, form.token, next);
  });
  app.get('/ui/logout', SELF_AUTHENTICATED, (_request, reply) => {
    clearTokenCookie(reply);
    return setPageHeaders(reply).redirect('/ui/login', 303);
  });
  // Guarded by the auth hook like the API: a 200 tells login.js the cookie is there.
  app.get('/ui/session', async () => ({ auth_required: deps.auth.enabled }));
}
