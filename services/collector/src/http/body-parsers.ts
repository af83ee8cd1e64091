import type { FastifyInstance } from 'fastify';
import type { RawBody } from '../ingest/raw-body.js';

export const SUPPORTED_MEDIA_TYPES = ['application/json', 'application/x-ndjson', 'text/plain (POST /v1/logs only)'] as const;

/**
 * Replaces fastify's parsers with ones that hand the route the raw text: routes
 * parse line by line so they can say which line is wrong, and webhook routes
 * verify signatures over the body exactly as it arrived (fastify decodes it as
 * UTF-8 and nothing else touches it). Any other content type is answered 415.
 */
export function registerRawBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  const keepRaw = (format: RawBody['format']) => (_request: unknown, body: string | Buffer, done: (error: Error | null, body?: RawBody) => void) => {
    done(null, { format, text: body as string });
  };
  app.addContentTypeParser('application/json', { parseAs: 'string' }, keepRaw('json'));
  app.addContentTypeParser('application/x-ndjson', { parseAs: 'string' }, keepRaw('ndjson'));
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, keepRaw('text'));
}
