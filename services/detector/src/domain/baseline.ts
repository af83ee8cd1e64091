/**
 * `[first seen, last seen, runs seen in]`, times in epoch seconds: a tuple, not an
 * object, because tens of these per pipeline times 100k pipelines is the state budget.
 */
export type SeenEntry = [first: number, last: number, runs: number];

export type SeenSet = Record<string, SeenEntry>;

/** The resource figures of the last run that raised nothing high, for "what changed" evidence. */
export interface LastGoodRun {
  run_id: string;
  occurred_at: string;
  values: Record<string, number>;
}

/**
 * Everything pipewatch remembers about one pipeline. Plain JSON so every store
 * (file, Kafka changelog) can keep it as is; every part is bounded.
 */
export interface PipelineBaseline {
  version: 3;
  pipeline_id: string;
  /** Repository, when runs name one: lets a new pipeline borrow a sibling's baseline. */
  repository: string | null;
  /** Runs learned from (duplicates and poisoned runs excluded). */
  runs: number;
  first_run_at: string | null;
  last_run_at: string | null;
  /** Recent values per series, oldest first: `resources.duration_s`, `metrics.tests`... */
  numeric: Record<string, number[]>;
  /**
   * A slowly fading maximum per series (halves in about 70 runs): remembers the
   * pipeline's normal heavy tail (a cache miss) beyond the 30-run window.
   */
  peaks: Record<string, number>;
  /**
   * Per series, the level of the pipeline's normal upper mode (cache misses, cold
   * builds): a high quantile of the values learned above the normal band. Unlike
   * the peak it does not fade with time, so a mode seen once in 200 runs stays
   * known. Optional: one number per series, absent in stores written before it.
   */
  tails?: Record<string, number>;
  seen: {
    egress: SeenSet;
    ports: SeenSet;
    secrets: SeenSet;
    processes: SeenSet;
    actors: SeenSet;
    triggers: SeenSet;
    files: SeenSet;
  };
  /** Up to a few digest fingerprints per executable. */
  process_hashes: Record<string, string[]>;
  /** Highest token permission level seen per scope (`read` < `write` < `admin`). */
  permissions: Record<string, string>;
  /** Fingerprint of the digest last accepted per `name@version`. */
  dependencies: Record<string, string>;
  /** Digest fingerprint, signing state and the run that produced each `name@version`. */
  artifacts: Record<string, { digest: string; signed: boolean | null; run: string }>;
  /** Commit an action reference (`owner/repo@tag`) resolved to. */
  actions: Record<string, string>;
  /** Short hashes of the last event ids handled, to drop redeliveries. */
  recent_events: string[];
  /** Changes already reported once (rule, subject, new value), so a persistent change alerts once. */
  alerted: string[];
  last_good: LastGoodRun | null;
}

export function emptyBaseline(pipelineId: string, repository: string | null = null): PipelineBaseline {
  return {
    version: 3,
    pipeline_id: pipelineId,
    repository,
    runs: 0,
    first_run_at: null,
    last_run_at: null,
    numeric: {},
    peaks: {},
    seen: { egress: {}, ports: {}, secrets: {}, processes: {}, actors: {}, triggers: {}, files: {} },
    process_hashes: {},
    permissions: {},
    dependencies: {},
    artifacts: {},
    actions: {},
    recent_events: [],
    alerted: [],
    last_good: null,
  };
}

/** Stores written by older versions are dropped, not misread: the pipeline re-learns. */
export function isCurrentBaseline(value: unknown): value is PipelineBaseline {
  return typeof value === 'object' && value !== null && (value as { version?: unknown }).version === 3;
}
