import type { FastifyInstance } from 'fastify';
import type { RawBody } from '../ingest/raw-body.js';

export const SUPPORTED_MEDIA_TYPES = ['application/json', 'application/x-ndjson'] as const;

/**
 * Replaces fastify's parsers (its JSON parser and its text/plain one) with two that
 * hand the route the raw text: the route parses line by line so it can say which
 * line is wrong. Any other content type is answered 415 by fastify.
 */
export function registerRawBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    done(null, { format: 'json', text: body as string } satisfies RawBody);
  });
  app.addContentTypeParser('application/x-ndjson', { parseAs: 'string' }, (_request, body, done) => {
    done(null, { format: 'ndjson', text: body as string } satisfies RawBody);
  });
}
