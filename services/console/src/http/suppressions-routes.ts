import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { describeIssues } from '@pipewatch/shared';
import { isSuppressionActive, parseUntil } from '@pipewatch/alerter';
import { sendError, sendStoreFailure } from './api-error.js';
import type { ConsoleDeps } from './console-deps.js';

/** `POST /v1/suppressions` body: what `pipewatch suppress add` takes, as JSON. */
export const SuppressionRequest = z.strictObject({
  pipeline: z.string().min(1).max(300),
  rule: z.string().min(1).max(200),
  subject: z.string().min(1).max(1000).default('*'),
  /** A duration from now (`30m`, `12h`, `7d`, `2w`) or an RFC 3339 date/time. */
  until: z.string().min(1).max(100),
  reason: z.string().trim().min(1).max(1000),
  author: z.string().trim().min(1).max(200),
});

/** The one write the console makes: silencing findings, as `pipewatch suppress` does. */
export function registerSuppressionsRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  const now = deps.now ?? (() => new Date());

  app.get('/v1/suppressions', async (_request, reply) => {
    try {
      const at = now();
      const suppressions = await deps.suppressions.list();
      return { suppressions: suppressions.map((suppression) => ({ ...suppression, active: isSuppressionActive(suppression, at) })) };
    } catch (error) {
      return sendStoreFailure(reply, deps.logger, 'suppressions', error);
    }
  });

  app.post('/v1/suppressions', async (request, reply) => {
    const parsed = SuppressionRequest.safeParse(request.body);
    if (!parsed.success) return sendError(reply, 400, 'invalid_suppression', 'the suppression is not valid', { issues: describeIssues(parsed.error) });
    let until: string;
    try {
      until = parseUntil(parsed.data.until, now());
    } catch (error) {
      return sendError(reply, 400, 'invalid_suppression', (error as Error).message, { issues: [{ path: 'until', message: (error as Error).message }] });
    }
    try {
      const suppression = await deps.suppressions.add({ ...parsed.data, until });
      deps.logger.info('suppression added from the console', { id: suppression.id, pipeline: suppression.pipeline, rule: suppression.rule, until });
      return reply.code(201).send({ suppression });
    } catch (error) {
      return sendStoreFailure(reply, deps.logger, 'suppressions', error);
    }
  });
}
