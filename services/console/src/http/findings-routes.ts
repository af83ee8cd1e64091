import type { FastifyInstance } from 'fastify';
import { encodeCursor } from '../findings/finding-order.js';
import { suppressionsFor } from './active-suppressions.js';
import { sendError, sendStoreFailure } from './api-error.js';
import type { ConsoleDeps } from './console-deps.js';
import { parseFindingsQuery } from './findings-query-params.js';

/** `GET /v1/findings` (filters, paging) and `GET /v1/findings/:id`. */
export function registerFindingsRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  const now = deps.now ?? (() => new Date());

  app.get('/v1/findings', async (request, reply) => {
    const parsed = parseFindingsQuery(request.query);
    if (!parsed.ok) return sendError(reply, 400, 'invalid_query', 'the query parameters are not valid', { issues: parsed.issues });
    let page;
    try {
      page = await deps.findings.list(parsed.query);
    } catch (error) {
      return sendStoreFailure(reply, deps.logger, 'findings', error);
    }
    const suppressed = await suppressionsFor(deps.suppressions, page.findings, now(), deps.logger);
    return {
      findings: page.findings,
      next_cursor: page.next ? encodeCursor(page.next) : null,
      total: page.total,
      suppressed: Object.fromEntries([...suppressed].map(([findingId, suppression]) => [findingId, suppression.id])),
    };
  });

  app.get<{ Params: { id: string } }>('/v1/findings/:id', async (request, reply) => {
    let finding;
    try {
      finding = await deps.findings.get(request.params.id);
    } catch (error) {
      return sendStoreFailure(reply, deps.logger, 'findings', error);
    }
    if (!finding) return sendError(reply, 404, 'finding_not_found', `no finding ${JSON.stringify(request.params.id.slice(0, 200))}`);
    const suppressed = await suppressionsFor(deps.suppressions, [finding], now(), deps.logger);
    return { finding, suppression: suppressed.get(finding.finding_id) ?? null };
  });
}
