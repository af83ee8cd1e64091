import type { RunEvent } from '@pipewatch/shared';

/** A pipeline of the synthetic fleet: stable shape, its own repository, so no sibling baselines are borrowed. */
export interface SyntheticPipeline {
  id: string;
  repository: string;
  job: string;
  /** Typical duration in seconds; ordinary runs stay within ±3 % of it. */
  durationS: number;
  runs: number;
}

export function syntheticFleet(count: number, tag: string): SyntheticPipeline[] {
  return Array.from({ length: count }, (_, index) => ({
    id: `github:bench-${tag}/repo-${index}:.github/workflows/ci.yml:build`,
    repository: `bench-${tag}/repo-${index}`,
    job: 'build',
    durationS: 120 + (index % 50) * 6,
    runs: 0,
  }));
}

/** Deterministic jitter in [-1, 1] from an integer, so runs differ without a random source. */
function jitter(seed: number): number {
  const x = Math.sin(seed * 12.9898) * 43_758.5453;
  return (x - Math.floor(x)) * 2 - 1;
}

/** Factor by which an anomalous run's duration exceeds the usual: far past the detector's high-severity band. */
export const ANOMALY_FACTOR = 40;

/**
 * One finished job of a pipeline, about 1 KB as JSON, shaped like a GitHub
 * Actions job: resources, runner, steps with pinned actions. `anomalous` makes
 * the duration ANOMALY_FACTOR times the usual and changes nothing else, so a
 * trained detector raises exactly one finding (resource.duration.high).
 */
export function syntheticRun(pipeline: SyntheticPipeline, eventId: string, anomalous: boolean, now: number): RunEvent {
  const n = pipeline.runs++;
  const wobble = (k: number, spread = 0.03): number => 1 + spread * jitter(n * 31 + k);
  const duration = Math.round(pipeline.durationS * (anomalous ? ANOMALY_FACTOR : wobble(1)) * 10) / 10;
  const finished = new Date(now);
  const started = new Date(now - duration * 1000);
  return {
    schema: 'pipewatch.run/v1',
    event_id: eventId,
    source: 'github-actions',
    occurred_at: finished.toISOString(),
    pipeline: { id: pipeline.id, name: 'ci', repository: pipeline.repository, job: pipeline.job },
    run: {
      id: `${eventId}-run`,
      attempt: 1,
      number: n + 1,
      url: `https://github.com/${pipeline.repository}/actions/runs/${n + 1}`,
      status: 'success',
      trigger: 'push',
      branch: 'main',
      commit: (n * 2_654_435_761 >>> 0).toString(16).padStart(8, '0').repeat(5),
      actor: 'bench-bot',
      started_at: started.toISOString(),
      finished_at: finished.toISOString(),
    },
    runner: { name: 'GitHub Actions 2', os: 'Linux', arch: 'X64', labels: ['ubuntu-latest'], self_hosted: false, ephemeral: true },
    resources: {
      duration_s: duration,
      queue_s: Math.round(4 * wobble(2) * 10) / 10,
      cpu_s: Math.round(pipeline.durationS * 0.8 * wobble(3) * 10) / 10,
      max_rss_mb: Math.round(900 * wobble(4)),
      net_tx_bytes: Math.round(2_000_000 * wobble(5)),
      net_rx_bytes: Math.round(150_000_000 * wobble(6)),
    },
    steps: [
      { name: 'checkout', action: 'actions/checkout@v4', action_sha: '11bd71901bbe5b1630ceea73d27597364c9af683', status: 'success' },
      { name: 'setup-node', action: 'actions/setup-node@v4', action_sha: '39370e3970a6d050c480ffad4ff0ed4d3fdee5af', status: 'success' },
      { name: 'build', status: 'success' },
    ],
  };
}

/** How many runs a pipeline needs before the detector judges it (PIPEWATCH_MIN_RUNS, default 10). */
export const DEFAULT_MIN_RUNS = 10;
