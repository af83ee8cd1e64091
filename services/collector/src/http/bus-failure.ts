import type { FastifyReply } from 'fastify';
import { PipewatchError, errorMessage, isRetryable, type Logger } from '@pipewatch/shared';
import { sendError } from './error-body.js';

/** Seconds a client should wait before retrying when the bus pushes back. */
export const RETRY_AFTER_SECONDS = 5;

/** Nothing was handed to the bus, so nothing may be acknowledged: 503 invites a retry, 500 does not. */
export function sendBusFailure(reply: FastifyReply, error: unknown, logger: Logger): FastifyReply {
  const code = error instanceof PipewatchError ? error.code : 'unknown';
  if (isRetryable(error)) {
    logger.warn('bus refused a publish; answering 503', { code, reason: errorMessage(error) });
    reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    return sendError(reply, 503, 'bus_unavailable', `the event bus cannot take events right now (${code}); retry in ${RETRY_AFTER_SECONDS} seconds`);
  }
  logger.error('bus rejected a publish permanently', { code, reason: errorMessage(error) });
  return sendError(reply, 500, code === 'unknown' ? 'publish_failed' : code, 'the event bus rejected the events');
}
