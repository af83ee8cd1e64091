import type { RunEvent } from '@pipewatch/shared';
import { createRng, hashSeed, type Rng } from '../random/prng.js';
import type { LogItem, RunItem, ScenarioItem } from '../scenario-item.js';
import { createFleet, type ActionRefs, type Fleet, type JobKind, type RepoShape, type RepoSpec } from '../traffic/fleet.js';
import { simulateFleet } from '../traffic/simulate-fleet.js';

/** A rule family that should catch the incident: any one of `anyOf` firing on an attack item of kind `via`. */
export interface ExpectedCatch {
  anyOf: string[];
  via: 'run' | 'log';
  /** What in the incident this rule sees. */
  sees: string;
  /** False for signals that depend on the victim's normal (a miner on an already CPU-bound job barely shows). */
  required?: boolean;
}

export interface InjectContext {
  fleet: Fleet;
  repo: RepoSpec;
  rng: Rng;
}

/**
 * A real attack, replayed: a benign history for a repository shaped like the
 * victim's, and a function that appends what the attack's runs looked like to a
 * monitor, following the public write-ups cited in `sources`.
 */
export interface Incident {
  id: string;
  title: string;
  when: string;
  sources: string[];
  expected: ExpectedCatch[];
  /** Weeks of benign history before the attack. */
  weeks: number;
  shape: RepoShape;
  inject(history: ScenarioItem[], context: InjectContext): ScenarioItem[];
}

export interface StreamOptions {
  weeks?: number;
  /** How the victim's workflows reference actions; the incident's own shape decides when absent. */
  actionRefs?: ActionRefs;
}

/** The incident's full stream: its benign history (logs included) followed by the attack. */
export function incidentStream(incident: Incident, seed: number, options: StreamOptions = {}): ScenarioItem[] {
  const shape = options.actionRefs ? { ...incident.shape, actionRefs: options.actionRefs } : incident.shape;
  const fleet = createFleet({ seed, repos: 1, weeks: options.weeks ?? incident.weeks, shape });
  const history = [...simulateFleet(fleet, { logs: true })];
  const context = { fleet, repo: fleet.repos[0]!, rng: createRng(hashSeed(seed, 'attack', incident.id)) };
  return incident.inject(history, context).sort((a, b) => a.at - b.at);
}

/** Benign causes that make a run's figures unusual: an attack template should be an ordinary run. */
const UNUSUAL = new Set(['cache_miss', 'queue_spike', 'rerun', 'tests_cut_short', 'failed', 'cancelled', 'step_change']);

/** The last ordinary successful run of a job kind (optionally matching `where`): the attack's template. */
export function lastRunOf(history: readonly ScenarioItem[], kind: JobKind, where: (event: RunEvent) => boolean = () => true): RunItem {
  for (let i = history.length - 1; i >= 0; i--) {
    const item = history[i]!;
    if (item.kind !== 'run' || item.event.pipeline.job !== kind || item.event.run.status !== 'success') continue;
    if (item.causes.some((cause) => UNUSUAL.has(cause)) || !where(item.event)) continue;
    return item;
  }
  throw new Error(`no successful ${kind} run in the history`);
}

export function logOf(history: readonly ScenarioItem[], run: RunItem): LogItem | undefined {
  return history.find((item): item is LogItem => item.kind === 'log' && item.batch.run.id === run.event.run.id && item.batch.pipeline.id === run.event.pipeline.id);
}

export function endOf(history: readonly ScenarioItem[]): number {
  return history.reduce((latest, item) => Math.max(latest, item.at), 0);
}

/**
 * A copy of a benign run as a new run finishing at `finishedAt`, marked as part
 * of `incident`; `change` applies what the attack did to it.
 */
export function attackRun(template: RunItem, incident: string, sequence: number, finishedAt: number, rng: Rng, change: (event: RunEvent) => void): RunItem {
  const event = structuredClone(template.event);
  const runId = String(Number(template.event.run.id) + 500_000 + sequence);
  event.run.id = runId;
  event.run.attempt = 1;
  event.run.number = (template.event.run.number ?? 0) + 1000 + sequence;
  event.run.commit = rng.hex(40);
  event.run.status = 'success';
  event.run.url = event.run.url?.replace(template.event.run.id, runId);
  event.event_id = `gh-${runId}-1-${event.pipeline.job}`;
  change(event);
  const duration = event.resources?.duration_s ?? 60;
  event.run.finished_at = new Date(finishedAt).toISOString();
  event.run.started_at = new Date(finishedAt - duration * 1000).toISOString();
  event.occurred_at = event.run.finished_at;
  return { kind: 'run', at: finishedAt, event, causes: [], attack: incident };
}

/** The log batch of an attack run: the template's benign lines, changed and extended as the attack printed. */
export function attackLog(run: RunItem, lines: string[], incident: string): LogItem {
  return {
    kind: 'log',
    at: run.at - 1000,
    batch: {
      schema: 'pipewatch.log/v1',
      event_id: `log-${run.event.run.id}-1-${run.event.pipeline.job}`,
      source: 'github-actions',
      pipeline: { id: run.event.pipeline.id },
      run: { id: run.event.run.id },
      lines: lines.map((text) => ({ text })),
    },
    causes: [],
    attack: incident,
  };
}

export function benignLinesOf(history: readonly ScenarioItem[], template: RunItem): string[] {
  return (logOf(history, template)?.batch.lines ?? []).map((line) => line.text);
}

export const HOUR_MS = 3_600_000;
