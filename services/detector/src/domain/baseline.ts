/** When a value was first and last seen, and in how many learned runs. */
export interface SeenEntry {
  first: string;
  last: string;
  runs: number;
}

export type SeenSet = Record<string, SeenEntry>;

/** The resource figures of the last run that raised nothing high, for "what changed" evidence. */
export interface LastGoodRun {
  run_id: string;
  occurred_at: string;
  values: Record<string, number>;
}

/**
 * Everything pipewatch remembers about one pipeline. Plain JSON so every store
 * (file, Kafka changelog) can keep it as is.
 */
export interface PipelineBaseline {
  version: 1;
  pipeline_id: string;
  /** Runs learned from (duplicates and poisoned runs excluded). */
  runs: number;
  first_run_at: string | null;
  last_run_at: string | null;
  /** Recent values per series, oldest first: `resources.duration_s`, `metrics.tests`... */
  numeric: Record<string, number[]>;
  seen: {
    egress: SeenSet;
    secrets: SeenSet;
    processes: SeenSet;
    process_hashes: SeenSet;
    actors: SeenSet;
    triggers: SeenSet;
  };
  /** Digest last accepted per `name@version`. */
  dependencies: Record<string, string>;
  artifacts: Record<string, { digest: string; signed: boolean | null }>;
  /** Commit an action reference (`owner/repo@tag`) resolved to. */
  actions: Record<string, string>;
  recent_event_ids: string[];
  last_good: LastGoodRun | null;
}

export function emptyBaseline(pipelineId: string): PipelineBaseline {
  return {
    version: 1,
    pipeline_id: pipelineId,
    runs: 0,
    first_run_at: null,
    last_run_at: null,
    numeric: {},
    seen: { egress: {}, secrets: {}, processes: {}, process_hashes: {}, actors: {}, triggers: {} },
    dependencies: {},
    artifacts: {},
    actions: {},
    recent_event_ids: [],
    last_good: null,
  };
}
