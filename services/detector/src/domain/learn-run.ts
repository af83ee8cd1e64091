import type { RunEvent } from '@pipewatch/shared';
import type { PipelineBaseline, SeenSet } from './baseline.js';
import { egressKey } from './rules/novelty-rule.js';
import { dependencyKey } from './rules/integrity-rule.js';
import { MAX_METRICS, seriesOf } from './series.js';
import type { DetectorSettings } from './settings.js';

/** Statuses whose resource figures say nothing about a normal run. */
const UNREPRESENTATIVE = new Set(['cancelled', 'skipped', 'running']);

/**
 * Folds a run into its pipeline's baseline, in place (the detector's hot path,
 * so no copy per event). Callers skip this for runs with high or critical
 * findings: an attack must not become the new normal.
 */
export function learnRun(baseline: PipelineBaseline, event: RunEvent, settings: DetectorSettings): void {
  const at = event.occurred_at;
  baseline.runs += 1;
  baseline.first_run_at ??= at;
  baseline.last_run_at = at;

  const series = seriesOf(event);
  if (!UNREPRESENTATIVE.has(event.run.status ?? 'success')) {
    for (const [key, value] of series) {
      let history = baseline.numeric[key];
      if (!history) {
        if (Object.keys(baseline.numeric).length >= RESOURCE_AND_METRIC_CAP) continue;
        history = baseline.numeric[key] = [];
      }
      history.push(value);
      if (history.length > settings.window) history.splice(0, history.length - settings.window);
    }
    baseline.last_good = { run_id: event.run.id, occurred_at: at, values: Object.fromEntries(series) };
  }

  const { access } = event;
  const max = settings.maxSeen;
  for (const egress of access?.egress ?? []) {
    const key = egressKey(egress);
    if (key) see(baseline.seen.egress, key, at, max);
  }
  for (const name of new Set(access?.secrets ?? [])) see(baseline.seen.secrets, name, at, max);
  for (const process of access?.processes ?? []) {
    see(baseline.seen.processes, process.exe, at, max);
    if (process.sha256) see(baseline.seen.process_hashes, `${process.exe}#${process.sha256}`, at, max);
  }
  if (event.run.actor) see(baseline.seen.actors, event.run.actor, at, max);
  if (event.run.trigger) see(baseline.seen.triggers, event.run.trigger, at, max);

  for (const dependency of event.dependencies ?? []) {
    baseline.dependencies[dependencyKey(dependency.name, dependency.version)] = dependency.digest;
  }
  for (const artifact of event.artifacts ?? []) {
    baseline.artifacts[dependencyKey(artifact.name, artifact.version)] = { digest: artifact.digest, signed: artifact.signed ?? null };
  }
  for (const step of event.steps ?? []) {
    if (step.action && step.action_sha) baseline.actions[step.action] = step.action_sha;
  }
  capRecord(baseline.dependencies, max * 4);
  capRecord(baseline.artifacts, max);
  capRecord(baseline.actions, max);
}

/** Resource fields plus at most MAX_METRICS metrics. */
const RESOURCE_AND_METRIC_CAP = 8 + MAX_METRICS;

/** Notes that an event was handled, so a redelivery of it is recognised. */
export function rememberEvent(baseline: PipelineBaseline, eventId: string, settings: DetectorSettings): void {
  baseline.recent_event_ids.push(eventId);
  if (baseline.recent_event_ids.length > settings.recentEventIds) baseline.recent_event_ids.shift();
}

function see(set: SeenSet, key: string, at: string, max: number): void {
  const entry = set[key];
  if (entry) {
    entry.runs += 1;
    entry.last = at;
    return;
  }
  set[key] = { first: at, last: at, runs: 1 };
  const keys = Object.keys(set);
  if (keys.length > max) {
    // Forget the value seen least recently: it is the one least likely to be normal any more.
    let oldest = keys[0]!;
    for (const candidate of keys) if (set[candidate]!.last < set[oldest]!.last) oldest = candidate;
    delete set[oldest];
  }
}

/** Insertion order is age order for string keys, so the first keys are the oldest. */
function capRecord(record: Record<string, unknown>, max: number): void {
  const keys = Object.keys(record);
  for (let i = 0; i < keys.length - max; i++) delete record[keys[i]!];
}
