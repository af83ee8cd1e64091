import type { PipelineBaseline } from '../domain/baseline.js';

/** Where baselines live between runs: a file in the embedded default, a compacted topic with Kafka. */
export interface BaselineStore {
  get(pipelineId: string): Promise<PipelineBaseline | undefined>;
  /** Resolves once the baseline is durable enough for the consumer to commit its offset. */
  put(baseline: PipelineBaseline): Promise<void>;
  /** Pipelines currently held. */
  size(): number;
  close(): Promise<void>;
}
