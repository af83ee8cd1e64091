import type { FastifyInstance } from 'fastify';
import { TOKEN_COOKIE, basicPassword, bearerToken, cookieValue, type BearerAuth } from '../auth/bearer-auth.js';
import { sendError } from './error-body.js';

/** Probes must answer without credentials: orchestrators do not carry ingest tokens. */
const OPEN_ROUTES = new Set(['/healthz', '/readyz']);

/**
 * CI webhooks that prove themselves with their own shared secret (GitHub's HMAC
 * signature, GitLab's token header): GitHub and GitLab cannot send a bearer token,
 * and each route refuses anything its own check does not pass.
 */
export const SELF_AUTHENTICATED_ROUTES = new Set(['/webhooks/github', '/webhooks/gitlab']);

/** Routes whose senders can only carry the token as Basic auth (Jenkins' Notification plugin). */
export const BASIC_AUTH_ROUTES = new Set(['/webhooks/jenkins']);

/**
 * Route option `config: { selfAuthenticated: true }` marks a route that checks the
 * token itself: the console's pages, which answer a browser with a login form
 * instead of a JSON 401.
 */
export interface SelfAuthenticatedRouteConfig {
  selfAuthenticated?: boolean;
}

/**
 * Runs on every request (unknown paths too) before the body is read, so an
 * unauthenticated client cannot make us buffer a large body.
 */
export function registerAuthHook(app: FastifyInstance, auth: BearerAuth): void {
  if (!auth.enabled) return;
  app.addHook('onRequest', async (request, reply) => {
    const route = request.routeOptions.url;
    if (route !== undefined && OPEN_ROUTES.has(route) && (request.method === 'GET' || request.method === 'HEAD')) return;
    if (route !== undefined && SELF_AUTHENTICATED_ROUTES.has(route) && request.method === 'POST') return;
    if ((request.routeOptions.config as SelfAuthenticatedRouteConfig | undefined)?.selfAuthenticated === true) return;
    const authorization = request.headers.authorization;
    const fromHeader =
      route !== undefined && BASIC_AUTH_ROUTES.has(route) ? (bearerToken(authorization) ?? basicPassword(authorization)) : bearerToken(authorization);
    // A browser's console session; SameSite=Strict keeps other sites from riding on it.
    const presented = fromHeader ?? cookieValue(request.headers.cookie, TOKEN_COOKIE);
    const verdict = auth.checkToken(presented);
    if (verdict === 'missing') {
      reply.header('www-authenticate', 'Bearer');
      return sendError(reply, 401, 'missing_token', 'this route needs an Authorization: Bearer <token> header');
    }
    if (verdict === 'invalid') {
      reply.header('www-authenticate', 'Bearer error="invalid_token"');
      return sendError(reply, 401, 'invalid_token', 'the bearer token is not one of the configured ingest tokens');
    }
  });
}
