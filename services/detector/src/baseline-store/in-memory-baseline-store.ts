import type { PipelineBaseline } from '../domain/baseline.js';
import type { BaselineStore } from './baseline-store-port.js';

/** Baselines held only in memory: for replay, where nothing should outlive the command. */
export function createInMemoryBaselineStore(): BaselineStore {
  const baselines = new Map<string, PipelineBaseline>();
  return {
    get: async (pipelineId) => baselines.get(pipelineId),
    put: async (baseline) => {
      baselines.set(baseline.pipeline_id, baseline);
    },
    putMany: async (many) => {
      for (const baseline of many) baselines.set(baseline.pipeline_id, baseline);
    },
    size: () => baselines.size,
    close: async () => undefined,
  };
}
