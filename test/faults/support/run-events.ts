import type { RunEvent } from '@pipewatch/shared';

/** Runs a pipeline needs before its baselines judge (PIPEWATCH_MIN_RUNS default). */
export const WARMUP_RUNS = 10;

export interface RunShape {
  /** Every n-th judged run takes ~18× the usual duration (resource.duration.high, not learned). 0 = never. */
  slowEvery: number;
  /** Every n-th judged run reaches a host never contacted before (access.egress.new_host, learned). 1 = every run. */
  newHostEvery: number;
}

/**
 * Run i of a pipeline: ordinary figures that wobble a little, and, once the
 * baseline judges, a slow run or a new egress host at fixed strides. The
 * findings a stream raises therefore depend on the baseline each detector
 * restores: a baseline lost in a crash re-learns and misses them, one learned
 * twice moves its band.
 */
export function runEvent(pipeline: string, i: number, shape: RunShape): RunEvent {
  const judged = i >= WARMUP_RUNS + 2;
  const slow = judged && shape.slowEvery > 0 && i % shape.slowEvery === 0;
  const newHost = judged && shape.newHostEvery > 0 && i % shape.newHostEvery === 0;
  const slug = pipeline.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
  return {
    schema: 'pipewatch.run/v1',
    event_id: `${pipeline}#${i}`,
    source: 'generic',
    occurred_at: new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString(),
    pipeline: { id: pipeline },
    run: { id: `r${i}`, status: 'success', trigger: 'push' },
    resources: { duration_s: slow ? 1800 + i : 100 + (i % 5) * 2, cpu_s: 40 + (i % 3) },
    access: {
      egress: [
        { host: 'registry.npmjs.org', port: 443 },
        ...(newHost ? [{ host: `h${i}.${slug}.example.net`, port: 443 }] : []),
      ],
    },
  };
}
