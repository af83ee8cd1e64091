/** Knobs of the detector; defaults chosen so ordinary CI jitter stays quiet. */
export interface DetectorSettings {
  /** Runs a pipeline needs before its baselines judge anything ("learning" until then). */
  minRuns: number;
  /** Recent values kept per numeric series. */
  window: number;
  /** Robust z-score (spreads above the median) at which a value is anomalous. */
  zThreshold: number;
  /** Robust z-score that, with `highRatio`, makes a numeric finding high severity. */
  highZ: number;
  /** A value must also be this many times the median to count: 10% over a tight baseline is not news. */
  minRatio: number;
  highRatio: number;
  /** Entries kept per seen-set (hosts, secrets, executables...); least recently seen go first. */
  maxSeen: number;
  /** Dependency digests remembered per pipeline (about 60 bytes each). */
  maxDependencies: number;
  /** Event ids remembered per pipeline to drop redeliveries. */
  recentEventIds: number;
}

export const DEFAULT_SETTINGS: DetectorSettings = {
  minRuns: 10,
  window: 30,
  zThreshold: 4,
  highZ: 8,
  minRatio: 1.5,
  highRatio: 3,
  maxSeen: 200,
  maxDependencies: 256,
  recentEventIds: 32,
};
