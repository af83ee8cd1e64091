import { DEFAULT_SETTINGS, detectRun, type PipelineBaseline } from '../src/index.js';
import type { RunEvent } from '@pipewatch/shared';
import { makeRun } from './make-run.js';

/** A baseline learned from `runs` benign runs of makeRun. */
export function trained(runs = 20): PipelineBaseline {
  let baseline: PipelineBaseline | undefined;
  for (let i = 0; i < runs; i++) baseline = detectRun(baseline, makeRun(i), DEFAULT_SETTINGS, makeRun(i).occurred_at).baseline;
  return baseline!;
}

/** Findings for one run judged against a fresh trained baseline. */
export function judge(patch: Partial<RunEvent>, runs = 20) {
  const run = makeRun(500, patch);
  return detectRun(trained(runs), run, DEFAULT_SETTINGS, run.occurred_at).findings;
}
