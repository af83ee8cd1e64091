import type { BaselineStore } from './baseline-store-port.js';
import { EncodedBaselines } from './encoded-baselines.js';

/**
 * Baselines held only in memory (encoded, like every store): for replay, where nothing should
 * outlive the command. A caller that wants to read the held bytes (a benchmark) passes the holder.
 */
export function createInMemoryBaselineStore(baselines: EncodedBaselines = new EncodedBaselines()): BaselineStore {
  return {
    get: async (pipelineId) => baselines.get(pipelineId),
    put: async (baseline) => {
      baselines.put(baseline);
    },
    putMany: async (many) => {
      for (const baseline of many) baselines.put(baseline);
    },
    size: () => baselines.size,
    close: async () => undefined,
  };
}
