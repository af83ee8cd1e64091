import { droppedExecutableKeys } from './rules/dropped-executable-rule.js';
import { sourceWriteKeys } from './rules/source-tamper-rule.js';
import type { RunEvent } from '@pipewatch/shared';
import type { PipelineBaseline } from './baseline.js';
import { digestFingerprint, eventIdHash, keyHash, shortHash } from './fingerprint.js';
import { dependencyKey, egressKey, pathShape, permissionRank } from './normalize.js';
import { summarize } from './robust-stats.js';
import { epochSeconds, see } from './seen-set.js';
import { MAX_METRICS, RELATIVE_FLOOR, seriesOf, specFor } from './series.js';
import type { DetectorSettings } from './settings.js';
import { ownEntry, setOwnEntry } from './own-entry.js';

/** Statuses whose resource figures say nothing about a normal run. */
const UNREPRESENTATIVE = new Set(['cancelled', 'skipped', 'running']);

/** Per-run fade of the remembered peak: 0.99^70 ≈ 0.5. */
const PEAK_DECAY = 0.99;

/** Share of a window that values beyond the normal band may fill before new ones are clipped. */
const OUT_OF_BAND_SHARE = 0.2;

/** Resource fields plus at most MAX_METRICS metrics. */
const SERIES_CAP = 8 + MAX_METRICS;
const HASHES_PER_EXE = 4;

/**
 * Folds a run into its pipeline's baseline, in place (the detector's hot path, so
 * no copy per event). Callers skip this for runs with high or critical findings:
 * an attack must not become the new normal.
 */
export function learnRun(baseline: PipelineBaseline, event: RunEvent, settings: DetectorSettings): void {
  const at = event.occurred_at;
  const atSeconds = epochSeconds(at);
  baseline.runs += 1;
  baseline.first_run_at ??= at;
  baseline.last_run_at = at;
  baseline.repository ??= event.pipeline.repository ?? null;

  if (!UNREPRESENTATIVE.has(event.run.status ?? 'success')) learnSeries(baseline, event, settings);

  const { access } = event;
  const max = settings.maxSeen;
  // Seen-sets count runs, not connections: each value once per run.
  const egress = access?.egress ?? [];
  for (const key of new Set(egress.map(egressKey))) if (key) see(baseline.seen.egress, key, atSeconds, max);
  for (const port of new Set(egress.map((item) => item.port))) if (port !== undefined) see(baseline.seen.ports, String(port), atSeconds, max);
  for (const name of new Set(access?.secrets ?? [])) see(baseline.seen.secrets, name, atSeconds, max);
  for (const exe of new Set((access?.processes ?? []).map((process) => process.exe))) see(baseline.seen.processes, exe, atSeconds, max);
  for (const process of access?.processes ?? []) {
    if (process.sha256) rememberHash(baseline, process.exe, digestFingerprint(process.sha256));
  }
  for (const path of new Set((access?.files_written ?? []).map(pathShape))) see(baseline.seen.files, path, atSeconds, max);
  // Jobs that legitimately regenerate tracked files or run what they build: learned as places.
  for (const key of new Set(sourceWriteKeys(event))) see(baseline.seen.files, key, atSeconds, max);
  for (const key of new Set(droppedExecutableKeys(event))) see(baseline.seen.files, key, atSeconds, max);
  for (const [scope, level] of Object.entries(access?.permissions ?? {})) {
    const known = ownEntry(baseline.permissions, scope);
    if (known === undefined || permissionRank(level) > permissionRank(known)) setOwnEntry(baseline.permissions, scope, level);
  }
  if (event.run.actor) see(baseline.seen.actors, event.run.actor, atSeconds, max);
  if (event.run.trigger) see(baseline.seen.triggers, event.run.trigger, atSeconds, max);

  for (const dependency of event.dependencies ?? []) {
    setOwnEntry(baseline.dependencies, shortHash(dependencyKey(dependency.name, dependency.version)), digestFingerprint(dependency.digest));
  }
  for (const artifact of event.artifacts ?? []) {
    setOwnEntry(baseline.artifacts, shortHash(dependencyKey(artifact.name, artifact.version)), {
      digest: digestFingerprint(artifact.digest),
      signed: artifact.signed ?? null,
      run: event.run.id,
      name: shortHash(artifact.name),
    });
  }
  for (const step of event.steps ?? []) {
    if (step.action && step.action_sha) setOwnEntry(baseline.actions, shortHash(step.action), step.action_sha);
  }
  capRecord(baseline.dependencies, settings.maxDependencies);
  capRecord(baseline.artifacts, max);
  capRecord(baseline.actions, max);
  capRecord(baseline.permissions, 64);
}

/**
 * Appends each value to its window, clipped to the edge of the current normal band
 * once the series is judged: a deliberate step change still moves the median
 * within half a window, but an attacker growing a figure run by run cannot drag
 * the baseline faster than one band-width per half-window.
 */
function learnSeries(baseline: PipelineBaseline, event: RunEvent, settings: DetectorSettings): void {
  const series = seriesOf(event);
  for (const [key, value] of series) {
    let history = ownEntry(baseline.numeric, key);
    if (!history) {
      if (Object.keys(baseline.numeric).length >= SERIES_CAP) continue;
      history = setOwnEntry(baseline.numeric, key, []);
    }
    let learned = value;
    if (history.length >= settings.minRuns) {
      const stats = summarize(history, RELATIVE_FLOOR, specFor(key).absoluteFloor);
      const low = stats.median - settings.zThreshold * stats.spread;
      const high = stats.median + settings.zThreshold * stats.spread;
      // A few values beyond the band may stay as they are (a heavy tail, such as cache
      // misses, is normal); past that quota they are clipped to the band's edge.
      let outside = 0;
      for (const item of history) if (item < low || item > high) outside++;
      if ((value < low || value > high) && outside >= settings.window * OUT_OF_BAND_SHARE) {
        learned = Math.min(Math.max(value, low), high);
      }
      if (learned > high) {
        const tails = (baseline.tails ??= {});
        setOwnEntry(tails, key, roundSignificant(nextUpperMode(ownEntry(tails, key), learned)));
      }
    }
    history.push(roundSignificant(learned));
    baseline.peaks[key] = roundSignificant(Math.max(learned, (baseline.peaks[key] ?? learned) * PEAK_DECAY));
    if (history.length > settings.window) history.splice(0, history.length - settings.window);
  }
  // Rounded like the windows: the stored form keeps six significant digits.
  const values: Record<string, number> = {};
  for (const [key, value] of series) setOwnEntry(values, key, roundSignificant(value));
  baseline.last_good = { run_id: event.run.id, occurred_at: event.occurred_at, values };
}

/** Steps of the upper-mode estimate: up fast, down slowly, so it settles near a high quantile of that mode. */
const UPPER_MODE_UP = 0.5;
const UPPER_MODE_DOWN = 0.1;

/**
 * Moves the upper-mode level towards a value learned above the band: an
 * asymmetric-step quantile estimate (one number, no sample to keep) that sits
 * near the top of the values seen there, without jumping to the single largest.
 */
export function nextUpperMode(current: number | undefined, value: number): number {
  if (current === undefined) return value;
  return value > current ? current + UPPER_MODE_UP * (value - current) : current - UPPER_MODE_DOWN * (current - value);
}

/** Notes that an event was handled, so a redelivery of it is recognised. */
export function rememberEvent(baseline: PipelineBaseline, eventId: string, settings: DetectorSettings): void {
  baseline.recent_events.push(eventIdHash(eventId));
  if (baseline.recent_events.length > settings.recentEventIds) baseline.recent_events.shift();
}

/** Remembers changes reported once; kept even for runs that are not learned. */
export function rememberAlerts(baseline: PipelineBaseline, keys: readonly string[]): void {
  for (const onceKey of keys) {
    const key = keyHash(onceKey);
    if (baseline.alerted.includes(key)) continue;
    baseline.alerted.push(key);
    if (baseline.alerted.length > MAX_ALERTED) baseline.alerted.shift();
  }
}

const MAX_ALERTED = 64;

export function wasSeen(baseline: PipelineBaseline, eventId: string): boolean {
  return baseline.recent_events.includes(eventIdHash(eventId));
}

function rememberHash(baseline: PipelineBaseline, exe: string, fingerprint: string): void {
  const key = shortHash(exe);
  const hashes = ownEntry(baseline.process_hashes, key) ?? setOwnEntry(baseline.process_hashes, key, []);
  if (hashes.includes(fingerprint)) return;
  hashes.push(fingerprint);
  if (hashes.length > HASHES_PER_EXE) hashes.shift();
  capRecord(baseline.process_hashes, 256);
}

/** Insertion order is first-seen order for string keys, so the first keys are the oldest. */
function capRecord(record: Record<string, unknown>, max: number): void {
  const keys = Object.keys(record);
  for (let i = 0; i < keys.length - max; i++) delete record[keys[i]!];
}

/** Six significant digits: enough for any resource figure, and 2–4 bytes in the stored form. */
function roundSignificant(value: number): number {
  // An integer of six digits or fewer is its own rounding (counts, megabytes): no string round trip.
  if (Number.isInteger(value) && value > -1e6 && value < 1e6) return value;
  return value === 0 || !Number.isFinite(value) ? value : Number(value.toPrecision(6));
}
