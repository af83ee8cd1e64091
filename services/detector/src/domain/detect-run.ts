import { severityRank, type Finding, type RunEvent } from '@pipewatch/shared';
import { emptyBaseline, type PipelineBaseline } from './baseline.js';
import { buildFinding } from './build-finding.js';
import { learnRun, rememberAlerts, rememberEvent, wasSeen } from './learn-run.js';
import { combineWeakSignals } from './rules/combination.js';
import { contextRule } from './rules/context-rule.js';
import { droppedExecutableRule } from './rules/dropped-executable-rule.js';
import { footprintRule } from './rules/footprint-rule.js';
import { identityRule } from './rules/identity-rule.js';
import { integrityRule } from './rules/integrity-rule.js';
import { noveltyRule } from './rules/novelty-rule.js';
import { numericRule } from './rules/numeric-rule.js';
import { runnerMemoryRule } from './rules/runner-memory-rule.js';
import { sourceTamperRule } from './rules/source-tamper-rule.js';
import type { Rule, RuleContext } from './rules/rule.js';
import type { DetectorSettings } from './settings.js';

export const RULES: readonly Rule[] = [
  numericRule,
  noveltyRule,
  identityRule,
  footprintRule,
  integrityRule,
  contextRule,
  sourceTamperRule,
  droppedExecutableRule,
  runnerMemoryRule,
];

/**
 * A run event with `run.status: running` is a partial observation streamed by the runner
 * sensor while the job runs: judged at once against the baseline, never learned or
 * remembered (only the final event of the run is), so it can repeat without effect.
 */
export function isPartialObservation(event: RunEvent): boolean {
  return event.run.status === 'running';
}

export interface Detection {
  findings: Finding[];
  /** The baseline after this run (the same object as passed in, updated). */
  baseline: PipelineBaseline;
  /** `learning` until the pipeline has `minRuns` runs; `duplicate` for a redelivered event. */
  status: 'judged' | 'learning' | 'duplicate';
  /** Whether the run was folded into the baseline (not when it raised high/critical). */
  learned: boolean;
  /** A partial observation (`run.status: running`): the baseline was not changed and needs no save. */
  partial?: boolean;
}

export interface DetectOptions {
  /** A judged sibling pipeline of the same repository, used while this one is learning. */
  prior?: PipelineBaseline;
}

/**
 * Judges one run against its pipeline's baseline, then learns from it unless it
 * looked like an attack. Pure: no clock, no I/O; `detectedAt` comes from the caller.
 */
export function detectRun(
  current: PipelineBaseline | undefined,
  event: RunEvent,
  settings: DetectorSettings,
  detectedAt: string,
  options: DetectOptions = {},
): Detection {
  const baseline = current ?? emptyBaseline(event.pipeline.id, event.pipeline.repository ?? null);
  const partial = isPartialObservation(event);
  if (!partial && wasSeen(baseline, event.event_id)) {
    return { findings: [], baseline, status: 'duplicate', learned: false };
  }
  const judging = baseline.runs >= settings.minRuns;
  const context: RuleContext = { event, baseline, settings, judging, ...(!judging && options.prior ? { prior: options.prior } : {}) };
  const candidates = RULES.flatMap((rule) => rule(context));
  const combined = combineWeakSignals(candidates);
  if (combined) candidates.push(combined);
  const findings = candidates.map((candidate) => buildFinding(candidate, event, detectedAt, baseline.last_good));
  findings.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || b.score - a.score || compare(a.rule.id, b.rule.id) || compare(a.subject ?? '', b.subject ?? ''));

  const poisoned = findings.some((finding) => severityRank(finding.severity) >= severityRank('high'));
  if (partial) return { findings, baseline, status: judging ? 'judged' : 'learning', learned: false, partial: true };
  if (!poisoned) learnRun(baseline, event, settings);
  rememberAlerts(baseline, candidates.flatMap((candidate) => (candidate.onceKey ? [candidate.onceKey] : [])));
  rememberEvent(baseline, event.event_id, settings);
  return { findings, baseline, status: judging ? 'judged' : 'learning', learned: !poisoned };
}

/** Code-point order: unlike localeCompare it is the same on every machine, which replay needs. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
