import type { PipelineBaseline } from '@pipewatch/detector';
import type { BaselineReader } from './baseline-reader.js';

/** Fixed baselines: the port's test double, and the console's reader when no changelog is configured (none). */
export function createInMemoryBaselineReader(baselines: readonly PipelineBaseline[] = [], asOf: string | null = null): BaselineReader {
  const byId = new Map(baselines.map((baseline) => [baseline.pipeline_id, baseline]));
  return {
    list: async () => [...byId.values()],
    get: async (pipelineId) => byId.get(pipelineId),
    asOf: () => asOf,
  };
}
