import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { Finding, LogBatch, RunEvent, describeIssues, type IssueReport } from '@pipewatch/shared';
import { contractFields, contractSection, parseShape, type ContractField, type ShapeKey } from './contract-fields.js';

const FIXTURES = new URL('../../test/fixtures/contract/', import.meta.url);
const CONTRACT = fileURLToPath(new URL('../../../shared/spec/contract.md', import.meta.url));

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as Record<string, unknown>;
}

function issues(schema: z.ZodType, payload: unknown): IssueReport[] {
  const parsed = schema.safeParse(payload);
  assert.equal(parsed.success, false, 'the payload was accepted');
  return parsed.success ? [] : describeIssues(parsed.error);
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Shape keys no element of `values` fills, as dotted paths. */
function unfilled(values: unknown[], keys: ShapeKey[], where: string): string[] {
  return keys.flatMap(({ key, children }) => {
    const filled = values.filter(isObject).filter((value) => value[key] !== undefined).map((value) => value[key]);
    if (filled.length === 0) return [`${where}.${key}`];
    return unfilled(filled.flatMap((value) => (Array.isArray(value) ? value : [value])), children, `${where}.${key}`);
  });
}

/** What `payload` leaves out of `field`: its path, an empty array, or keys of its shape. */
function missing(payload: unknown, field: ContractField): string[] {
  let value: unknown = payload;
  for (const segment of field.path.split('.')) {
    if (!isObject(value) || value[segment] === undefined) return [field.path];
    value = value[segment];
  }
  if (field.array && (!Array.isArray(value) || value.length === 0)) return [`${field.path}[] (empty)`];
  return unfilled(Array.isArray(value) ? value : [value], field.shape, field.path);
}

/** A deep copy of `value` with `edit` applied: tests break one thing at a time. */
function changed(value: Record<string, unknown>, edit: (copy: Record<string, any>) => void): Record<string, unknown> {
  const copy = structuredClone(value);
  edit(copy);
  return copy;
}

describe('contract fixtures', () => {
  const cases: [string, z.ZodType][] = [
    ['run-event.full.json', RunEvent],
    ['run-event.minimal.json', RunEvent],
    ['log-batch.json', LogBatch],
    ['finding.json', Finding],
  ];
  for (const [name, schema] of cases) {
    it(`${name} parses with its schema, unchanged`, () => {
      const payload = fixture(name);
      const parsed = schema.safeParse(payload);
      assert.ok(parsed.success, parsed.success ? '' : JSON.stringify(describeIssues(parsed.error)));
      assert.deepEqual(parsed.data, payload);
    });
  }
});

describe('contract.md', () => {
  let markdown = '';
  before(function () {
    if (!existsSync(CONTRACT)) this.skip(); // the spec lives beside the repository, not in it
    markdown = readFileSync(CONTRACT, 'utf8');
  });

  it('reads prefixed lists and array shapes from the tables', () => {
    const fields = contractFields(contractSection(markdown, 1));
    const paths = fields.map((field) => field.path);
    assert.ok(fields.length >= 40, `only ${fields.length} fields read from section 1`);
    for (const path of ['schema', 'pipeline.id', 'pipeline.job', 'run.finished_at', 'resources.duration_s', 'resources.queue_s', 'resources.process_count', 'access.egress', 'attributes']) {
      assert.ok(paths.includes(path), `${path} not read; read ${paths.join(', ')}`);
    }
    const egress = fields.find((field) => field.path === 'access.egress');
    assert.equal(egress?.array, true);
    assert.deepEqual(egress?.shape.map((key) => key.key), ['host', 'ip', 'port', 'bytes_out', 'resolved']);
    assert.deepEqual(parseShape('`{framework: "OSC&R", technique: {id: "T0159", name}, mitigations?: string[]}`'), [
      { key: 'framework', children: [] },
      { key: 'technique', children: [{ key: 'id', children: [] }, { key: 'name', children: [] }] },
      { key: 'mitigations', children: [] },
    ]);
  });

  const coverage: [number, string][] = [
    [1, 'run-event.full.json'],
    [2, 'log-batch.json'],
    [3, 'finding.json'],
  ];
  for (const [section, name] of coverage) {
    it(`${name} fills every field section ${section} names`, () => {
      const payload = fixture(name);
      const fields = contractFields(contractSection(markdown, section));
      assert.ok(fields.length > 0);
      assert.deepEqual(fields.flatMap((field) => missing(payload, field)), []);
    });
  }
});

describe('contract strictness', () => {
  const full = fixture('run-event.full.json');

  for (const [name, schema] of [['run-event.full.json', RunEvent], ['log-batch.json', LogBatch], ['finding.json', Finding]] as const) {
    it(`${name} with an unknown top-level key fails, naming the key`, () => {
      const reports = issues(schema, { ...fixture(name), pipeline_url: 'https://ci.example.com/p/1' });
      assert.ok(reports.some((report) => report.message.includes('pipeline_url')), JSON.stringify(reports));
    });
  }

  it('accepts unknown keys inside attributes', () => {
    const payload = changed(full, (copy) => {
      copy.attributes = { ...copy.attributes, 'team.owner': 'payments', cost_center: 4411, canary: true };
    });
    assert.ok(RunEvent.safeParse(payload).success);
  });

  it('reports a wrong type with its dotted path', () => {
    const cases: [(copy: Record<string, any>) => void, string][] = [
      [(copy) => (copy.resources.duration_s = '253.4'), 'resources.duration_s'],
      [(copy) => (copy.resources.net_tx_bytes = -1), 'resources.net_tx_bytes'],
      [(copy) => (copy.run.attempt = 1.5), 'run.attempt'],
      [(copy) => (copy.runner.labels = 'ubuntu-22.04'), 'runner.labels'],
      [(copy) => (copy.access.egress[1].port = '443'), 'access.egress.1.port'],
      [(copy) => (copy.steps[2].name = 42), 'steps.2.name'],
      [(copy) => (copy.metrics.tests_run = 'many'), 'metrics.tests_run'],
    ];
    for (const [edit, path] of cases) {
      const reports = issues(RunEvent, changed(full, edit));
      assert.deepEqual(reports.map((report) => report.path), [path]);
    }
  });

  it('accepts negative metrics, which the contract allows', () => {
    assert.ok(RunEvent.safeParse(changed(full, (copy) => (copy.metrics.coverage_delta_pct = -12.5))).success);
  });

  it('rejects times without a timezone, wherever they are', () => {
    const runCases: [(copy: Record<string, any>) => void, string][] = [
      [(copy) => (copy.occurred_at = '2024-05-14T09:42:17'), 'occurred_at'],
      [(copy) => (copy.run.started_at = '2024-05-14T09:38:02.125'), 'run.started_at'],
      [(copy) => (copy.run.finished_at = '2024-05-14 09:42:15'), 'run.finished_at'],
    ];
    for (const [edit, path] of runCases) assert.deepEqual(issues(RunEvent, changed(full, edit)).map((report) => report.path), [path]);

    const log = changed(fixture('log-batch.json'), (copy) => (copy.lines[0].ts = '2024-05-14T09:38:12'));
    assert.deepEqual(issues(LogBatch, log).map((report) => report.path), ['lines.0.ts']);
    const finding = changed(fixture('finding.json'), (copy) => (copy.detected_at = '2024-05-14T09:42:18'));
    assert.deepEqual(issues(Finding, finding).map((report) => report.path), ['detected_at']);
  });

  it('accepts Z and numeric offsets', () => {
    for (const time of ['2024-05-14T09:42:17Z', '2024-05-14T11:42:17+02:00', '2024-05-14T04:42:17.5-05:00']) {
      assert.ok(RunEvent.safeParse({ ...full, occurred_at: time }).success, time);
    }
  });
});
