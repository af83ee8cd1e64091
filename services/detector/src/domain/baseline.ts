import { dictionaryRecord } from './dictionary-record.js';
import { keyHash, shortHash } from './fingerprint.js';
import { ownEntry } from './own-entry.js';

/**
 * `[first seen, last seen, runs seen in, readable value?]`, times in epoch seconds at
 * day resolution. Seen-sets are keyed by `keyHash(value)`; the readable value is kept
 * only where evidence shows it ("usual destinations"), see `SEEN_NAMES_KEPT`.
 */
export type SeenEntry = [first: number, last: number, runs: number, name?: string];

export type SeenSet = Record<string, SeenEntry>;

export type SeenSetName = 'egress' | 'ports' | 'secrets' | 'processes' | 'actors' | 'triggers' | 'files';

export const SEEN_SET_NAMES: readonly SeenSetName[] = ['egress', 'ports', 'secrets', 'processes', 'actors', 'triggers', 'files'];

/**
 * How many readable values each seen-set keeps when stored, most-seen first. Egress
 * keeps them all (a new host is judged against the sites of every known one) and
 * ports too (two bytes each); the others keep what their evidence lists show;
 * executables are only counted in evidence, so none.
 */
export const SEEN_NAMES_KEPT: Readonly<Record<SeenSetName, number>> = {
  egress: Number.POSITIVE_INFINITY,
  ports: Number.POSITIVE_INFINITY,
  secrets: 20,
  processes: 0,
  actors: 10,
  triggers: 10,
  files: 5,
};

/** The resource figures of the last run that raised nothing high, for "what changed" evidence. */
export interface LastGoodRun {
  run_id: string;
  occurred_at: string;
  values: Record<string, number>;
}

export interface ArtifactRecord {
  /** Digest fingerprint (16 hex digits). */
  digest: string;
  signed: boolean | null;
  /** The run that produced it. */
  run: string;
  /** `shortHash` of the artifact's name (without version): "were earlier versions signed?" */
  name: string;
}

/**
 * Everything pipewatch remembers about one pipeline. Every part is bounded; values
 * that only need recognising are kept as 64-bit hashes (`keyHash`). Stored through
 * `baseline-codec.ts`, a compact binary form.
 */
export interface PipelineBaseline {
  version: 4;
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
  seen: Record<SeenSetName, SeenSet>;
  /** Up to a few digest fingerprints per executable, keyed by `shortHash(exe)`. */
  process_hashes: Record<string, string[]>;
  /** Highest token permission level seen per scope (`read` < `write` < `admin`). */
  permissions: Record<string, string>;
  /**
   * Fingerprint of the digest last accepted, keyed by `shortHash(name@version)`. Keys of
   * records that hold a digest or commit (here, artifacts, actions, executable hashes)
   * can be 48-bit: a key crafted to collide only compares against another record's
   * digest, which raises an alarm, never hides one.
   */
  dependencies: Record<string, string>;
  /** Digest, signing state and producing run of each artifact, keyed by `shortHash(name@version)`. */
  artifacts: Record<string, ArtifactRecord>;
  /** Commit an action reference resolved to, keyed by `shortHash(owner/repo@tag)`. */
  actions: Record<string, string>;
  /** Hashes of the last event ids handled, to drop redeliveries. */
  recent_events: string[];
  /** Hashes of changes already reported once (rule, subject, new value), so a persistent change alerts once. */
  alerted: string[];
  last_good: LastGoodRun | null;
}

export const BASELINE_VERSION = 4;

export function emptyBaseline(pipelineId: string, repository: string | null = null): PipelineBaseline {
  return {
    version: 4,
    pipeline_id: pipelineId,
    repository,
    runs: 0,
    first_run_at: null,
    last_run_at: null,
    numeric: {},
    peaks: {},
    seen: {
      egress: dictionaryRecord(),
      ports: dictionaryRecord(),
      secrets: dictionaryRecord(),
      processes: dictionaryRecord(),
      actors: dictionaryRecord(),
      triggers: dictionaryRecord(),
      files: dictionaryRecord(),
    },
    process_hashes: dictionaryRecord(),
    permissions: {},
    dependencies: dictionaryRecord(),
    artifacts: dictionaryRecord(),
    actions: dictionaryRecord(),
    recent_events: [],
    alerted: [],
    last_good: null,
  };
}

/** Stores written by older versions are dropped, not misread: the pipeline re-learns. */
export function isCurrentBaseline(value: unknown): value is PipelineBaseline {
  return typeof value === 'object' && value !== null && (value as { version?: unknown }).version === BASELINE_VERSION;
}

/** The digest fingerprint last accepted for a `name@version` key. */
export function knownDependency(baseline: PipelineBaseline, key: string): string | undefined {
  return ownEntry(baseline.dependencies, shortHash(key));
}

export function knownArtifact(baseline: PipelineBaseline, key: string): ArtifactRecord | undefined {
  return ownEntry(baseline.artifacts, shortHash(key));
}

/** Whether any remembered version of the artifact `name` was signed. */
export function artifactEverSigned(baseline: PipelineBaseline, name: string): boolean {
  const wanted = shortHash(name);
  return Object.values(baseline.artifacts).some((record) => record.name === wanted && record.signed === true);
}

export function knownActionCommit(baseline: PipelineBaseline, action: string): string | undefined {
  return ownEntry(baseline.actions, shortHash(action));
}

/** Digest fingerprints remembered for an executable (empty when none). */
export function knownProcessHashes(baseline: PipelineBaseline, exe: string): string[] {
  return ownEntry(baseline.process_hashes, shortHash(exe)) ?? [];
}

/** Whether a change with this once-key was already reported. */
export function wasAlerted(baseline: PipelineBaseline, onceKey: string): boolean {
  return baseline.alerted.includes(keyHash(onceKey));
}
