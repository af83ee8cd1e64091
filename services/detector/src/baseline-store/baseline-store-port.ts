import type { PipelineBaseline } from '../domain/baseline.js';

/** Where baselines live between runs: a file in the embedded default, a compacted topic with Kafka. */
export interface BaselineStore {
  /** A fresh object each call (decoded from the stored bytes): the caller may change it. */
  get(pipelineId: string): Promise<PipelineBaseline | undefined>;
  /** Resolves once the baseline is durable enough for the consumer to commit its offset. */
  put(baseline: PipelineBaseline): Promise<void>;
  /** Stores several pipelines' baselines in one write (a consumed batch's); resolves once all are durable. */
  putMany(baselines: readonly PipelineBaseline[]): Promise<void>;
  /** Pipelines currently held. */
  size(): number;
  /** Stores that follow partitions (Kafka) reload the baselines of newly assigned partitions here. */
  restore?(partitions: readonly number[]): Promise<void>;
  close(): Promise<void>;
}
