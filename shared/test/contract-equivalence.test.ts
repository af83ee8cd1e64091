import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { DEFAULT_SETTINGS, detectRun, type PipelineBaseline } from '@pipewatch/detector';
import {
  Finding,
  LogBatch,
  RunEvent,
  UncompiledFinding as ReferenceFinding,
  UncompiledLogBatch as ReferenceLogBatch,
  UncompiledRunEvent as ReferenceRunEvent,
} from '../src/contract/index.js';
import { createFleet, createRepo, type RepoSpec } from '../../test/scenarios/traffic/fleet.js';
import { simulateFleet } from '../../test/scenarios/traffic/simulate-fleet.js';
import { parseTravisBuilds, travisRunItems } from '../../test/scenarios/real/travis-builds.js';
import { loadCiLogs } from '../../test/scenarios/real/ci-logs.js';
import { CI_LOGS_DIR, HAS_SHARED_DATA, TRAVIS_BUILDS_CSV } from '../../test/scenarios/real/data-paths.js';
import { render } from '../../test/hostile/fuzz/json-tree.js';
import { applyMutation, mutationArb } from '../../test/hostile/fuzz/mutations.js';
import { trickString } from '../../test/hostile/fuzz/hostile-values.js';
import { validGithubDelivery, validGitlabHook, validJenkinsNotification, validLogBatch, validRunEvent } from '../../test/hostile/fuzz/seed-payloads.js';
import { mapWorkflowJob } from '../../services/collector/src/webhooks/github/map-workflow-job.js';
import { mapWorkflowRun } from '../../services/collector/src/webhooks/github/map-workflow-run.js';
import { mapGitlabJob } from '../../services/collector/src/webhooks/gitlab/map-job-hook.js';
import { mapGitlabPipeline } from '../../services/collector/src/webhooks/gitlab/map-pipeline-hook.js';
import { mapJenkinsNotification } from '../../services/collector/src/webhooks/jenkins/map-notification.js';
import type { MapResult } from '../../services/collector/src/webhooks/map-result.js';
import { githubExamples } from '../../services/collector/test/helpers/github-examples.js';
import { HAS_GITLAB_FIXTURES, gitlabFixture } from '../../services/collector/test/helpers/gitlab-fixtures.js';

/*
 * The contract schemas are compiled for speed (z.compile); the reference is the same
 * definition parsed by zod alone (the Uncompiled* exports). Both must answer every input the same: accepted or refused, the same
 * issues (code, path, message and every other field), and for an accepted input the same
 * output (same keys in the same order, same values, no more shared with the input).
 * CONTRACT_EQUIVALENCE_SCALE=20 multiplies the generated and fuzzed counts for a long run.
 */

const SCALE = Number(process.env.CONTRACT_EQUIVALENCE_SCALE ?? '1');
const SEED = 7;

interface Schema {
  safeParse(value: unknown): { success: true; data: unknown } | { success: false; error: { issues: unknown[] } };
}

type Outcome = { thrown: string } | { success: true; data: unknown } | { success: false; issues: unknown[] };

function outcome(schema: Schema, value: unknown): Outcome {
  try {
    const result = schema.safeParse(value);
    return result.success ? { success: true, data: result.data } : { success: false, issues: result.error.issues };
  } catch (error) {
    return { thrown: String(error) };
  }
}

/** Same keys in the same order, same prototypes, Object.is on leaves, and the same sharing with the input. */
function sameValue(a: unknown, b: unknown, inputs: ReadonlySet<object>): boolean {
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return Object.is(a, b);
  if (inputs.has(a) !== inputs.has(b)) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i], inputs)) return false;
    return true;
  }
  const keysA = Reflect.ownKeys(a);
  const keysB = Reflect.ownKeys(b);
  if (keysA.length !== keysB.length) return false;
  for (let i = 0; i < keysA.length; i++) {
    if (keysA[i] !== keysB[i]) return false;
    if (!sameValue((a as Record<PropertyKey, unknown>)[keysA[i]!], (b as Record<PropertyKey, unknown>)[keysB[i]!], inputs)) return false;
  }
  return true;
}

function objectsIn(value: unknown, into = new Set<object>()): Set<object> {
  if (value === null || typeof value !== 'object' || into.has(value)) return into;
  into.add(value);
  for (const key of Reflect.ownKeys(value)) objectsIn((value as Record<PropertyKey, unknown>)[key], into);
  return into;
}

type Kind = 'run' | 'log' | 'finding';

const SCHEMAS: Record<Kind, { live: Schema; reference: Schema }> = {
  run: { live: RunEvent, reference: ReferenceRunEvent },
  log: { live: LogBatch, reference: ReferenceLogBatch },
  finding: { live: Finding, reference: ReferenceFinding },
};

class Comparison {
  compared = 0;
  accepted = 0;
  differenceCount = 0;
  /** The first few differences since the last `take`, described. */
  private differences: string[] = [];

  take(): string[] {
    const taken = this.differences;
    this.differences = [];
    return taken;
  }

  check(kind: Kind, label: string, make: () => unknown): void {
    // Each schema gets its own copy, so a parse that changed its input could not hide a difference.
    const liveInput = make();
    const referenceInput = make();
    // A difference must come from the schemas, never from two unequal copies of the input.
    if (!sameValue(liveInput, referenceInput, new Set())) throw new Error(`${kind} ${label}: the input is not reproducible`);
    const live = outcome(SCHEMAS[kind].live, liveInput);
    const reference = outcome(SCHEMAS[kind].reference, referenceInput);
    this.compared++;
    if ('success' in reference && reference.success) this.accepted++;
    if (!this.same(live, reference, make)) {
      this.differenceCount++;
      if (this.differences.length < 5) this.differences.push(`${kind} ${label}: live ${preview(live)} reference ${preview(reference)}`);
      else if (this.differences.length === 5) this.differences.push('...');
    }
  }

  private same(live: Outcome, reference: Outcome, make: () => unknown): boolean {
    if ('thrown' in live || 'thrown' in reference) return 'thrown' in live && 'thrown' in reference && live.thrown === reference.thrown;
    if (live.success !== reference.success) return false;
    if (live.success && reference.success) {
      // Outputs are compared against a fresh copy of the input: neither may hand back the input's own objects where the other does not.
      const inputs = objectsIn(make());
      return sameValue(live.data, reference.data, inputs);
    }
    return isDeepStrictEqual((live as { issues: unknown[] }).issues, (reference as { issues: unknown[] }).issues);
  }
}

function preview(result: Outcome): string {
  if ('thrown' in result) return `threw ${result.thrown}`;
  const text = (value: unknown) => {
    try {
      return String(JSON.stringify(value));
    } catch {
      return String(value);
    }
  };
  return result.success ? `accepted ${text(result.data).slice(0, 300)}` : `refused ${text(result.issues).slice(0, 600)}`;
}

/** Findings the detector raises on a small generated fleet (20 pipelines, so baselines form quickly). */
function generatedFindings(runs: number): string[] {
  const skeleton = createFleet({ seed: SEED, repos: 0, weeks: 8 });
  const repos: RepoSpec[] = [];
  let count = 0;
  while (count < 20) {
    const repo = createRepo(SEED, repos.length, skeleton.start, skeleton.end);
    repos.push(repo);
    count += repo.jobs.length;
  }
  const baselines = new Map<string, PipelineBaseline>();
  const findings: string[] = [];
  let seen = 0;
  for (const item of simulateFleet({ ...skeleton, repos }, { logs: false })) {
    if (item.kind !== 'run') continue;
    const detection = detectRun(baselines.get(item.event.pipeline.id), item.event, DEFAULT_SETTINGS, item.event.occurred_at);
    baselines.set(item.event.pipeline.id, detection.baseline);
    for (const finding of detection.findings) findings.push(JSON.stringify(finding));
    if (++seen >= runs) break;
  }
  return findings;
}

function generatedItems(events: number, pipelines: number): { runs: string[]; logs: string[] } {
  const skeleton = createFleet({ seed: SEED, repos: 0, weeks: 8 });
  const repos: RepoSpec[] = [];
  let count = 0;
  while (count < pipelines) {
    const repo = createRepo(SEED, repos.length, skeleton.start, skeleton.end);
    repos.push(repo);
    count += repo.jobs.length;
  }
  const runs: string[] = [];
  const logs: string[] = [];
  for (const item of simulateFleet({ ...skeleton, repos }, { logs: true })) {
    if (item.kind === 'run') runs.push(JSON.stringify(item.event));
    else if (logs.length < events / 4) logs.push(JSON.stringify(item.batch));
    if (runs.length >= events) break;
  }
  return { runs, logs };
}

// ---- targeted mutations of a parsed value ----

const LENGTHS = [0, 1, 2, 49, 50, 51, 99, 100, 101, 199, 200, 201, 299, 300, 301, 499, 500, 501, 999, 1000, 1001, 1999, 2000, 2001, 65_536, 65_537];
const ARRAY_LENGTHS = [0, 1, 100, 101, 1000, 1001, 5000, 5001, 10_000, 10_001];
/**
 * The contract's string and array limits and one past each (the random edits also try one short of
 * each). The largest take most of the sweep's time, so the default run leaves them to the random
 * edits and a scaled run (CONTRACT_EQUIVALENCE_SCALE > 1) sweeps them too (log lines keep their 10,000).
 */
const SWEEP_LENGTHS = [0, 1, 2, 50, 51, 100, 101, 200, 201, 300, 301, 500, 501, 1000, 1001, 2000, 2001, ...(SCALE > 1 ? [65_536, 65_537] : [])];
const sweepArrayLengths = (field: string): number[] => (SCALE > 1 || field === 'lines' ? ARRAY_LENGTHS : ARRAY_LENGTHS.filter((length) => length <= 5001));
const TIMES = [
  '2025-01-06T00:03:17.185Z', '2025-01-06T00:03:17Z', '2025-01-06T00:03:17+05:30', '2025-01-06T00:03:17-00:00', '2025-01-06T00:03:17.123456789+14:00',
  '2024-02-29T12:00:00Z', '2023-02-29T12:00:00Z', '2000-02-29T00:00:00Z', '1900-02-29T00:00:00Z', '2025-04-31T00:00:00Z', '2025-01-06T24:00:00Z',
  '2025-01-06t00:03:17z', '2025-01-06 00:03:17Z', '2025-01-06T00:03:17', '2025-01-06T00:03:17+0530', '2025-01-06T00:03Z', '2025-01-06T00:03:60Z',
  '2025-01-06T00:03:17.Z', '2025-01-06', '+002025-01-06T00:03:17Z', '2025-1-6T0:3:17Z', '2025-01-06T00:03:17+24:00', ' 2025-01-06T00:03:17Z', '',
];
const IPS = [
  '1.2.3.4', '0.0.0.0', '255.255.255.255', '256.1.1.1', '01.2.3.4', '1.2.3', '1.2.3.4.5', '::', '::1', '2001:db8::1', '2001:DB8::1', 'fe80::1%eth0',
  '::ffff:1.2.3.4', '1::2::3', '2001:0db8:0000:0000:0000:ff00:0042:8329', '2001:db8:0:0:0:0:2:1:1', 'gggg::1', '1.2.3.4 ', '[::1]', 'localhost', '',
];
const NUMBERS = [0, -0, 1, -1, 0.5, -0.5, 1.5, 65_535, 65_536, 2 ** 31, 2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e308, -1e308, 5e-324, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
const OTHER = [null, true, false, '', 'x', [], {}, [1], { a: 1 }, undefined, 10n, Symbol('s'), new Date(0), () => 1];
const KEYS = ['', 'a', 'x'.repeat(100), 'x'.repeat(101), 'x'.repeat(200), 'x'.repeat(201), '🙂'.repeat(100), '🙂'.repeat(101), '🙂'.repeat(200), '🙂'.repeat(201), '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '0', '1', '01', '-1', '1e3', 'NaN', 'Infinity', 'valueOf'];
const ENUMS = ['success', 'failure', 'running', 'github-actions', 'gitlab-ci', 'jenkins', 'agent', 'generic', 'stdout', 'stderr', 'pipewatch.run/v1', 'pipewatch.log/v1', 'pipewatch.finding/v1', 'SUCCESS', 'toString', '__proto__',
  'low', 'critical', 'resource', 'integrity', 'OSC&R', 'a.b', 'a_1.b_2.c', 'A.b', 'a', 'a..b', 'a.b.', '.a.b', 'a.b\n', 'a-b.c'];

function stringOfLength(length: number, astral: boolean, pad: number): string {
  if (!astral) return 'x'.repeat(length);
  // Code points, not UTF-16 units: the length checks count code points, so a surrogate pair sits on either side of a limit.
  return '🙂'.repeat(Math.min(length, pad)) + 'x'.repeat(Math.max(0, length - pad));
}

interface Slot {
  parent: Record<PropertyKey, unknown> | unknown[];
  key: PropertyKey;
}

function slotsOf(value: unknown, out: Slot[] = [], objects: (Record<PropertyKey, unknown> | unknown[])[] = []): { slots: Slot[]; objects: (Record<PropertyKey, unknown> | unknown[])[] } {
  if (value === null || typeof value !== 'object') return { slots: out, objects };
  const container = value as Record<PropertyKey, unknown>;
  objects.push(container);
  for (const key of Object.keys(container)) {
    out.push({ parent: container, key: Array.isArray(container) ? Number(key) : key });
    slotsOf(container[key], out, objects);
  }
  return { slots: out, objects };
}

type Edit = (root: unknown, pick: number, aux: number) => void;

const pickFrom = <T>(items: readonly T[], pick: number): T => items[pick % items.length]!;

const EDITS: Record<string, Edit> = {
  delete: (root, pick) => {
    const { slots } = slotsOf(root);
    if (slots.length === 0) return;
    const slot = pickFrom(slots, pick);
    if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1);
    else delete slot.parent[slot.key];
  },
  number: (root, pick, aux) => setAt(root, pick, pickFrom(NUMBERS, aux)),
  other: (root, pick, aux) => setAt(root, pick, pickFrom(OTHER, aux)),
  enum: (root, pick, aux) => setAt(root, pick, pickFrom(ENUMS, aux)),
  time: (root, pick, aux) => setAt(root, pick, pickFrom(TIMES, aux)),
  ip: (root, pick, aux) => {
    const hosts = slotsOf(root).objects.filter((item) => !Array.isArray(item) && ('host' in item || 'port' in item || 'ip' in item)) as Record<string, unknown>[];
    const target = hosts.length > 0 ? pickFrom(hosts, pick) : undefined;
    if (target) target.ip = pickFrom(IPS, aux);
    else setAt(root, pick, pickFrom(IPS, aux));
  },
  string: (root, pick, aux) => {
    const { slots } = slotsOf(root);
    const strings = slots.filter((slot) => typeof (slot.parent as Record<PropertyKey, unknown>)[slot.key] === 'string');
    const slot = pickFrom(strings.length > 0 ? strings : slots, pick);
    if (slot) (slot.parent as Record<PropertyKey, unknown>)[slot.key] = stringOfLength(pickFrom(LENGTHS, aux), aux % 3 === 0, (aux >> 2) % 5 === 0 ? 1 : 70_000);
  },
  trick: (root, pick, aux) => setAt(root, pick, fc.sample(trickString, { seed: aux, numRuns: 1 })[0]),
  key: (root, pick, aux) => {
    const { objects } = slotsOf(root);
    const plain = objects.filter((item) => !Array.isArray(item));
    if (plain.length === 0) return;
    const key = pickFrom(KEYS, aux);
    const target = pickFrom(plain, pick);
    // An own __proto__ as JSON.parse makes it, not the setter.
    Object.defineProperty(target, key, { value: aux % 2 === 0 ? 'write' : 1, enumerable: true, writable: true, configurable: true });
  },
  array: (root, pick, aux) => {
    const arrays = slotsOf(root).objects.filter(Array.isArray) as unknown[][];
    if (arrays.length === 0) return;
    const target = pickFrom(arrays, pick);
    const length = pickFrom(ARRAY_LENGTHS, aux);
    const seed = target.length > 0 ? target : ['x'];
    const filled = Array.from({ length }, (_, i) => copy(seed[i % seed.length]));
    target.splice(0, target.length, ...filled);
  },
};

function walk(value: unknown, path: PropertyKey[], visit: (path: PropertyKey[]) => void): void {
  if (value === null || typeof value !== 'object') return;
  for (const key of Object.keys(value)) {
    const here = [...path, Array.isArray(value) ? Number(key) : key];
    visit(here);
    walk((value as Record<string, unknown>)[key], here, visit);
  }
}

function setAt(root: unknown, pick: number, value: unknown): void {
  const { slots } = slotsOf(root);
  if (slots.length === 0) return;
  const slot = pickFrom(slots, pick);
  (slot.parent as Record<PropertyKey, unknown>)[slot.key] = copy(value);
}

/**
 * Arrays, plain objects (own keys, __proto__ included) and Dates copied; functions and primitives shared.
 * A shared object would carry one input's edits into the next, and into the second schema's copy of the same input.
 */
function copy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copy);
  if (value instanceof Date) return new Date(value.getTime());
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) Object.defineProperty(out, key, { value: copy((value as Record<string, unknown>)[key]), enumerable: true, writable: true, configurable: true });
  return out;
}

const editArb = fc.array(fc.record({ edit: fc.constantFrom(...Object.keys(EDITS)), pick: fc.nat({ max: 100_000 }), aux: fc.nat({ max: 100_000 }) }), { minLength: 1, maxLength: 3 });

function edited(json: string, edits: { edit: string; pick: number; aux: number }[]): () => unknown {
  return () => {
    const value = JSON.parse(json) as unknown;
    for (const { edit, pick, aux } of edits) EDITS[edit]!(value, pick, aux);
    return value;
  };
}

const fill = (text: string): string => text.replaceAll('@@ID@@', 'id-').replaceAll('@@NUM@@', '7');

function mapped(result: MapResult): unknown {
  return result.kind === 'event' ? result.event : undefined;
}

describe('contract schemas: identical verdicts, issues and output compiled and uncompiled', function () {
  this.timeout(120_000);
  const comparison = new Comparison();
  const { runs, logs } = generatedItems(1_000 * SCALE, 300 * SCALE);
  const findings = generatedFindings(800 * SCALE);

  after(() => {
    process.stderr.write(`      contract equivalence: ${comparison.compared} inputs compared, ${comparison.accepted} accepted, ${comparison.differenceCount} differences\n`);
  });

  it(`generated run events, log batches and the detector's findings on generated runs (seed ${SEED})`, () => {
    assert.ok(runs.length >= 1_000 * SCALE && logs.length > 0);
    for (const [i, line] of runs.entries()) comparison.check('run', `generated run ${i}`, () => JSON.parse(line));
    for (const [i, line] of logs.entries()) comparison.check('log', `generated log ${i}`, () => JSON.parse(line));
    assert.ok(findings.length > 100, `only ${findings.length} findings`);
    for (const [i, line] of findings.entries()) comparison.check('finding', `detector finding ${i}`, () => JSON.parse(line));
    assert.deepEqual(comparison.take(), []);
  });

  it('every field of the full contract fixtures set to each boundary and hostile value, deleted, given extra keys, and arrays resized', () => {
    for (const [kind, name] of [['run', 'run-event.full.json'], ['log', 'log-batch.json'], ['finding', 'finding.json']] as const) {
      const json = readFileSync(new URL(`../../test/fixtures/contract/${name}`, import.meta.url), 'utf8');
      const base = JSON.parse(json) as unknown;
      const seen = new Set<string>();
      const paths: PropertyKey[][] = [];
      walk(base, [], (path) => {
        // One element stands for the rest of its array (the address catalogue covers both ip versions).
        const pattern = path.map((key) => (typeof key === 'number' ? '[]' : String(key))).join('.');
        if (!seen.has(pattern)) {
          seen.add(pattern);
          paths.push(path);
        }
      });
      const at = (path: PropertyKey[]) => () => {
        const value = JSON.parse(json) as Record<PropertyKey, unknown>;
        let parent: Record<PropertyKey, unknown> = value;
        for (const key of path.slice(0, -1)) parent = parent[key] as Record<PropertyKey, unknown>;
        return { value, parent, key: path.at(-1)! };
      };
      for (const path of paths) {
        const label = `${name} ${path.join('.')}`;
        const slot = at(path);
        const current = (() => {
          const { parent, key } = slot();
          return parent[key];
        })();
        const set = (replacement: unknown) => () => {
          const { value, parent, key } = slot();
          parent[key] = copy(replacement);
          return value;
        };
        comparison.check(kind, `${label} deleted`, () => {
          const { value, parent, key } = slot();
          if (Array.isArray(parent)) parent.splice(key as number, 1);
          else delete parent[key];
          return value;
        });
        // Every number edge where the fixture has a number; elsewhere one number stands for them (any number is the wrong type there alike).
        const numbers = typeof current === 'number' ? NUMBERS : [1, Number.NaN];
        for (const replacement of [...numbers, ...OTHER]) comparison.check(kind, `${label} = ${String(replacement)}`, set(replacement));
        if (typeof current === 'string') {
          // Times where the fixture has a time, addresses where it has an address; any string field takes any of them as plain text.
          const specific = /^\d{4}-\d\d-\d\dT/.test(current) ? TIMES : path.at(-1) === 'ip' ? IPS : [];
          for (const replacement of [...ENUMS, ...specific]) comparison.check(kind, `${label} = ${replacement}`, set(replacement));
          for (const length of SWEEP_LENGTHS) {
            for (const astral of [false, true]) comparison.check(kind, `${label} length ${length} ${astral ? 'astral' : 'ascii'}`, set(stringOfLength(length, astral, 70_000)));
          }
        }
        if (current !== null && typeof current === 'object' && !Array.isArray(current)) {
          for (const key of KEYS) {
            // In a record the value's type decides; in a strict object any unknown key is refused alike.
            const record = ['metrics', 'attributes', 'permissions', 'evidence'].includes(String(path.at(-1)));
            for (const extra of record ? ['write', 1, true, { a: 1 }] : ['write']) {
              comparison.check(kind, `${label} + key ${key.slice(0, 20)}`, () => {
                const { value, parent, key: slotKey } = slot();
                Object.defineProperty(parent[slotKey] as object, key, { value: copy(extra), enumerable: true, writable: true, configurable: true });
                return value;
              });
            }
          }
        }
        if (Array.isArray(current)) {
          for (const length of sweepArrayLengths(String(path.at(-1)))) {
            comparison.check(kind, `${label} length ${length}`, () => {
              const { value, parent, key } = slot();
              const items = parent[key] as unknown[];
              const seed = items.length > 0 ? items : ['x'];
              parent[key] = Array.from({ length }, (_, i) => copy(seed[i % seed.length]));
              return value;
            });
          }
        }
      }
      for (const key of KEYS) comparison.check(kind, `${name} root + key ${key.slice(0, 20)}`, () => {
        const value = JSON.parse(json) as object;
        Object.defineProperty(value, key, { value: 'x', enumerable: true, writable: true, configurable: true });
        return value;
      });
    }
    assert.deepEqual(comparison.take(), []);
  });

  it('generated items with one to three targeted edits (lengths, code points, times, ips, numbers, keys, array sizes, types)', () => {
    let i = 0;
    fc.assert(
      fc.property(fc.nat(), editArb, fc.constantFrom<Kind>('run', 'run', 'log', 'finding'), (which, edits, kind) => {
        const pool = kind === 'run' ? runs : kind === 'log' ? logs : findings;
        comparison.check(kind, `edited ${i++} ${JSON.stringify(edits)}`, edited(pool[which % pool.length]!, edits));
      }),
      { numRuns: 400 * SCALE, seed: SEED },
    );
    assert.deepEqual(comparison.take(), []);
  });

  it('the hostile fuzzer seeds, valid and mutated as test/hostile does', () => {
    const limits = { maxHugeString: 70_000, maxHugeArray: 2_000, maxDepth: 2_000 };
    fc.assert(
      fc.property(fc.oneof(validRunEvent, validLogBatch), fc.option(mutationArb(limits), { nil: undefined }), (tree, mutation) => {
        const text = fill(render(mutation ? applyMutation(tree, mutation).tree : tree));
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch {
          return;
        }
        for (const kind of ['run', 'log', 'finding'] as const) comparison.check(kind, `fuzzed ${text.slice(0, 200)}`, () => JSON.parse(text));
      }),
      { numRuns: 400 * SCALE, seed: SEED },
    );
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        const text = JSON.stringify(value) ?? 'null';
        for (const kind of ['run', 'log', 'finding'] as const) comparison.check(kind, `random json ${text.slice(0, 200)}`, () => JSON.parse(text));
      }),
      { numRuns: 300 * SCALE, seed: SEED },
    );
    assert.deepEqual(comparison.take(), []);
  });

  // The recorded data lives beside the repository; a clone on its own skips this.
  (HAS_SHARED_DATA ? it : it.skip)('recorded data: TravisTorrent builds as run events, the cidiff CI logs as log batches', async () => {
    for (const item of travisRunItems(parseTravisBuilds(readFileSync(TRAVIS_BUILDS_CSV, 'utf8')).builds)) {
      const json = JSON.stringify(item.event);
      comparison.check('run', `travis ${item.event.event_id}`, () => JSON.parse(json));
    }
    const { items } = await loadCiLogs(CI_LOGS_DIR);
    for (const item of items) {
      const json = JSON.stringify(item.batch);
      comparison.check('log', `ci log ${item.batch.event_id}`, () => JSON.parse(json));
    }
    assert.deepEqual(comparison.take(), []);
  });

  it('webhook deliveries as the collector maps them: recorded GitHub and GitLab payloads, and fuzzed ones', () => {
    const maps: [string, () => unknown][] = [];
    for (const { origin, payload } of githubExamples('workflow_job')) maps.push([`github job ${origin}`, () => mapped(mapWorkflowJob(structuredClone(payload)))]);
    for (const { origin, payload } of githubExamples('workflow_run')) maps.push([`github run ${origin}`, () => mapped(mapWorkflowRun(structuredClone(payload)))]);
    if (HAS_GITLAB_FIXTURES) {
      for (const name of ['job', 'build'] as const) maps.push([`gitlab ${name}`, () => mapped(mapGitlabJob(gitlabFixture(name)))]);
      maps.push(['gitlab pipeline', () => mapped(mapGitlabPipeline(gitlabFixture('pipeline')))]);
    }
    // Mapper output is a JavaScript object, not parsed JSON: keys holding undefined reach the schema as they are.
    for (const [label, make] of maps) comparison.check('run', label, make);

    const limits = { maxHugeString: 5_000, maxHugeArray: 200, maxDepth: 200 };
    const delivery = fc.oneof(
      validGithubDelivery.map(({ event, tree }) => ({ map: event === 'workflow_job' ? mapWorkflowJob : mapWorkflowRun, tree })),
      validJenkinsNotification.map((tree) => ({ map: mapJenkinsNotification, tree })),
      ...(HAS_GITLAB_FIXTURES
        ? [validGitlabHook.map((tree) => ({ map: (payload: unknown) => (((payload as { object_kind?: string }).object_kind === 'pipeline' ? mapGitlabPipeline : mapGitlabJob)(payload)), tree }))]
        : []),
    );
    fc.assert(
      fc.property(delivery, fc.option(mutationArb(limits), { nil: undefined }), ({ map, tree }, mutation) => {
        const text = fill(render(mutation ? applyMutation(tree, mutation).tree : tree));
        let payload: unknown;
        try {
          payload = JSON.parse(text);
        } catch {
          return;
        }
        if (mapped(map(payload)) === undefined) return;
        comparison.check('run', `mapped delivery ${text.slice(0, 200)}`, () => mapped(map(JSON.parse(text))));
      }),
      { numRuns: 300 * SCALE, seed: SEED },
    );
    assert.deepEqual(comparison.take(), []);
  });
});
