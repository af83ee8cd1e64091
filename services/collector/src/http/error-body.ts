import type { FastifyReply } from 'fastify';

/** The one error shape every non-2xx answer uses: a stable `code` and a message a person can act on. */
export interface ErrorBody {
  error: { code: string; message: string; [extra: string]: unknown };
}

export function sendError(reply: FastifyReply, status: number, code: string, message: string, extra: Record<string, unknown> = {}): FastifyReply {
  const body: ErrorBody = { error: { code, message, ...extra } };
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}
