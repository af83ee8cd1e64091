import type { FastifyInstance } from 'fastify';
import type { BearerAuth } from '../auth/bearer-auth.js';
import { sendError } from './error-body.js';

/** Probes must answer without credentials: orchestrators do not carry ingest tokens. */
const OPEN_ROUTES = new Set(['/healthz', '/readyz']);

/**
 * Runs on every request (unknown paths too) before the body is read, so an
 * unauthenticated client cannot make us buffer a large body.
 */
export function registerAuthHook(app: FastifyInstance, auth: BearerAuth): void {
  if (!auth.enabled) return;
  app.addHook('onRequest', async (request, reply) => {
    const route = request.routeOptions.url;
    if (route !== undefined && OPEN_ROUTES.has(route) && (request.method === 'GET' || request.method === 'HEAD')) return;
    const verdict = auth.check(request.headers.authorization);
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
