import type { FastifyInstance } from 'fastify';

/** Large enough for a suppression or a login, small enough that nobody can make us buffer much. */
export const CONSOLE_BODY_LIMIT = 64 * 1024;

/**
 * The console's own parsers, in its own fastify scope: the collector's parsers
 * hand routes raw text, the console wants JSON objects and the login form.
 */
export function registerConsoleBodyParsers(scope: FastifyInstance): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: CONSOLE_BODY_LIMIT }, (_request, body, done) => {
    try {
      done(null, JSON.parse(body as string) as unknown);
    } catch {
      done(Object.assign(new Error('the body is not valid JSON'), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' }));
    }
  });
  scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: CONSOLE_BODY_LIMIT }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
}
