import type { FastifyReply } from 'fastify';
import { sendError } from './error-body.js';

/** A body in a format the parsers know but this route does not take (e.g. text/plain to /v1/events). */
export function sendUnsupportedMedia(reply: FastifyReply, contentType: string | undefined, accepted: string): FastifyReply {
  return sendError(
    reply,
    415,
    'unsupported_media_type',
    `unsupported Content-Type ${JSON.stringify((contentType ?? '').slice(0, 100))} for this route; use ${accepted}`,
  );
}
