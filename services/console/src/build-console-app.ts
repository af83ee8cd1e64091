import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { registerAuthHook } from '@pipewatch/collector';
import { sendError } from './http/api-error.js';
import type { ConsoleDeps } from './http/console-deps.js';
import { registerConsole } from './http/register-console.js';

/**
 * `pipewatch console` on its own: the console and its API behind the collector's
 * auth hook (bearer header or session cookie), plus the same probes. Built, not
 * listening, so tests can bind port 0.
 */
export function buildConsoleApp(deps: ConsoleDeps): FastifyInstance {
  const app = Fastify({ logger: false });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 400 && status < 500) return sendError(reply, status, status === 415 ? 'unsupported_media_type' : 'bad_request', error.message);
    deps.logger.error('request failed', { method: request.method, route: request.routeOptions.url, error });
    return sendError(reply, 500, 'internal', 'internal error');
  });
  registerAuthHook(app, deps.auth);
  app.setNotFoundHandler((request, reply) => sendError(reply, 404, 'not_found', `no route ${request.method} ${request.url.split('?')[0]}`));
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async () => ({ status: 'ready' }));
  app.get('/', (_request, reply) => reply.redirect('/ui', 302));
  registerConsole(app, deps);
  return app;
}
