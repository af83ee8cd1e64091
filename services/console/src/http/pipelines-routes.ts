import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { describeIssues } from '@pipewatch/shared';
import { baselineView } from '@pipewatch/detector';
import { baselineStatus } from '../baselines/baseline-reader.js';
import { sendError, sendStoreFailure } from './api-error.js';
import type { ConsoleDeps } from './console-deps.js';
import { pipelineRows } from './pipeline-rows.js';

const PipelinesQuery = z.strictObject({
  /** Substring of the pipeline id or repository, case-insensitive. */
  q: z.string().max(300).optional(),
  status: z.enum(['learning', 'stable', 'unknown']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  offset: z.coerce.number().int().min(0).default(0),
});

/** `GET /v1/pipelines` and `GET /v1/pipelines/:id/baseline`. */
export function registerPipelinesRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  app.get('/v1/pipelines', async (request, reply) => {
    const raw = Object.fromEntries(Object.entries((request.query ?? {}) as Record<string, unknown>).filter(([, value]) => value !== ''));
    const parsed = PipelinesQuery.safeParse(raw);
    if (!parsed.success) return sendError(reply, 400, 'invalid_query', 'the query parameters are not valid', { issues: describeIssues(parsed.error) });
    const { q, status, limit, offset } = parsed.data;
    let rows;
    try {
      const [baselines, findings] = await Promise.all([deps.baselines.list(), deps.findings.byPipeline()]);
      rows = pipelineRows(baselines, findings, deps.minRuns);
    } catch (error) {
      return sendStoreFailure(reply, deps.logger, 'pipelines', error);
    }
    const needle = q?.toLowerCase();
    const matching = rows.filter(
      (row) => (!status || row.status === status) && (!needle || row.id.toLowerCase().includes(needle) || (row.repository ?? '').toLowerCase().includes(needle)),
    );
    return {
      pipelines: matching.slice(offset, offset + limit),
      total: matching.length,
      min_runs: deps.minRuns,
      baselines_as_of: deps.baselines.asOf(),
    };
  });

  app.get<{ Params: { id: string } }>('/v1/pipelines/:id/baseline', async (request, reply) => {
    let baseline;
    try {
      baseline = await deps.baselines.get(request.params.id);
    } catch (error) {
      return sendStoreFailure(reply, deps.logger, 'baselines', error);
    }
    if (!baseline) return sendError(reply, 404, 'baseline_not_found', `no baseline for pipeline ${JSON.stringify(request.params.id.slice(0, 300))}`);
    return {
      pipeline_id: baseline.pipeline_id,
      status: baselineStatus(baseline, deps.minRuns),
      runs: baseline.runs,
      min_runs: deps.minRuns,
      baselines_as_of: deps.baselines.asOf(),
      // Seen-sets keyed by readable value (or `#hash` where the detector kept only the hash).
      baseline: baselineView(baseline),
    };
  });
}
