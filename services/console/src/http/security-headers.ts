import type { FastifyReply } from 'fastify';

/**
 * Every script and style comes from this server (no inline script, nothing
 * fetched elsewhere), the console cannot be framed, and links out to CI runs
 * carry no referrer.
 */
export function setPageHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header(
      'content-security-policy',
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    )
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-store');
}
