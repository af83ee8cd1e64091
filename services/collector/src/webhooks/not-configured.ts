import type { FastifyReply } from 'fastify';
import { sendError } from '../http/error-body.js';

/** Without its secret a webhook route cannot tell a CI from anyone else, so it is as good as absent. */
export function sendNotConfigured(reply: FastifyReply, ci: string, variable: string): FastifyReply {
  return sendError(reply, 404, 'webhook_not_configured', `the ${ci} webhook is off: set ${variable} to turn it on`);
}
