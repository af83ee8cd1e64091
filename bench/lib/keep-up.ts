import type { LagSample } from './lag-sampler.js';

export interface KeepUpVerdict {
  keptUp: boolean;
  /** Events the detector committed per second over the load phase. */
  processedPerS: number;
  /** Findings the alerter committed per second over the load phase. */
  alertedPerS: number;
  runsLagAtEnd: number;
  findingsLagAtEnd: number;
  maxRunsLag: number;
  /** Least-squares slope of the runs lag over the phase, events per second: near 0 when bounded. */
  runsLagSlopePerS: number;
  reasons: string[];
}

function slope(points: { x: number; y: number }[]): number {
  if (points.length < 2) return 0;
  const mx = points.reduce((s, p) => s + p.x, 0) / points.length;
  const my = points.reduce((s, p) => s + p.y, 0) / points.length;
  const num = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

/**
 * Whether the pipeline kept up with the load: the detector committed (nearly)
 * all it was given, and neither consumer group's lag ended higher than about two
 * seconds of input. Committed offsets trail the work by up to kafkajs'
 * auto-commit interval (1 s), hence the slack.
 */
export function judgeKeepUp(phase: LagSample[], acceptedPerS: number, findingsPerS: number): KeepUpVerdict {
  const first = phase[0]!;
  const last = phase[phase.length - 1]!;
  const seconds = Math.max(0.001, last.t - first.t);
  const processedPerS = (last.runs.committed - first.runs.committed) / seconds;
  const alertedPerS = (last.findings.committed - first.findings.committed) / seconds;
  const runsBound = Math.max(1_000, 2 * acceptedPerS);
  const findingsBound = Math.max(100, 2 * findingsPerS);
  const reasons: string[] = [];
  if (last.runs.lag > runsBound) reasons.push(`detector lag ended at ${last.runs.lag} events (bound ${Math.round(runsBound)})`);
  if (last.findings.lag > findingsBound) reasons.push(`alerter lag ended at ${last.findings.lag} findings (bound ${Math.round(findingsBound)})`);
  if (processedPerS < 0.9 * acceptedPerS) reasons.push(`detector committed ${Math.round(processedPerS)}/s of ${Math.round(acceptedPerS)}/s accepted`);
  return {
    keptUp: reasons.length === 0,
    processedPerS: Math.round(processedPerS),
    alertedPerS: Number(alertedPerS.toFixed(1)),
    runsLagAtEnd: last.runs.lag,
    findingsLagAtEnd: last.findings.lag,
    maxRunsLag: Math.max(...phase.map((sample) => sample.runs.lag)),
    runsLagSlopePerS: Math.round(slope(phase.map((sample) => ({ x: sample.t, y: sample.runs.lag })))),
    reasons,
  };
}
