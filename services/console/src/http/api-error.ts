import type { FastifyReply } from 'fastify';
import { isRetryable, type Logger } from '@pipewatch/shared';

/** The collector's error shape, so a client handles every pipewatch answer alike. */
export function sendError(reply: FastifyReply, status: number, code: string, message: string, extra: Record<string, unknown> = {}): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send({ error: { code, message, ...extra } });
}

/** Seconds a client should wait before asking again when a store is down. */
export const RETRY_AFTER_SECONDS = 5;

/**
 * A store the console reads (findings, baselines, suppressions) that fails
 * retryably is down, not broken: 503 with Retry-After. Anything else is ours: 500.
 */
export function sendStoreFailure(reply: FastifyReply, logger: Logger, store: string, error: unknown): FastifyReply {
  if (isRetryable(error)) {
    logger.warn(`${store} unavailable`, { error: (error as Error).message });
    reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    return sendError(reply, 503, `${store}_unavailable`, `the ${store} store cannot be read right now; try again shortly`);
  }
  logger.error(`${store} read failed`, { error });
  return sendError(reply, 500, 'internal', 'internal error');
}
