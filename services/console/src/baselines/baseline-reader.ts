import type { PipelineBaseline } from '@pipewatch/detector';

/**
 * Read side of the detector's baselines: its changelog file in the embedded
 * default, the compacted Kafka changelog topic in distributed mode.
 */
export interface BaselineReader {
  list(): Promise<PipelineBaseline[]>;
  get(pipelineId: string): Promise<PipelineBaseline | undefined>;
  /** When the baselines were last read successfully (RFC 3339); null before that. */
  asOf(): string | null;
  close?(): Promise<void>;
}

export type BaselineStatus = 'learning' | 'stable';

/** The detector judges a pipeline's own history only from `minRuns` learned runs on. */
export function baselineStatus(baseline: Pick<PipelineBaseline, 'runs'>, minRuns: number): BaselineStatus {
  return baseline.runs >= minRuns ? 'stable' : 'learning';
}
