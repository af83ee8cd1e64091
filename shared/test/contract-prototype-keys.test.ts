import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PROTOTYPE_KEYS, RunEvent, describeIssues } from '@pipewatch/shared';

const FULL = JSON.parse(readFileSync(new URL('../../test/fixtures/contract/run-event.full.json', import.meta.url), 'utf8')) as Record<string, unknown>;

/**
 * The fixture with `recordJson` at `path`, built as text and parsed as a client's
 * body would be, so `__proto__` arrives as an ordinary own key (JSON.parse makes it one).
 */
function eventWith(path: 'attributes' | 'metrics' | 'access.permissions', recordJson: string): unknown {
  const event = structuredClone(FULL) as Record<string, any>;
  const placeholder = { __placeholder__: 0 };
  if (path === 'access.permissions') event.access = { ...event.access, permissions: placeholder };
  else event[path] = placeholder;
  return JSON.parse(JSON.stringify(event).replace('{"__placeholder__":0}', recordJson));
}

function issuesOf(payload: unknown): { path: string; message: string }[] {
  const parsed = RunEvent.safeParse(payload);
  assert.equal(parsed.success, false, 'the event was accepted');
  return parsed.success ? [] : describeIssues(parsed.error);
}

const RECORDS = [
  { path: 'attributes', value: '"x"' },
  { path: 'metrics', value: '1' },
  { path: 'access.permissions', value: '"write"' },
] as const;

describe('contract: prototype keys in records', () => {
  it('names the three refused keys', () => {
    assert.deepEqual([...PROTOTYPE_KEYS].sort(), ['__proto__', 'constructor', 'prototype']);
  });

  for (const { path, value } of RECORDS) {
    for (const key of PROTOTYPE_KEYS) {
      it(`refuses ${key} in ${path} with an issue at ${path}.${key}`, () => {
        const issues = issuesOf(eventWith(path, `{"ok_key":${value},"${key}":${value}}`));
        const issue = issues.find((item) => item.path === `${path}.${key}`);
        assert.ok(issue, `an issue at ${path}.${key}; got ${JSON.stringify(issues)}`);
        assert.match(issue.message, new RegExp(`"${key}" is not allowed`));
        assert.equal(issues.length, 1, 'the other key of the record is fine');
      });
    }
  }

  it('refuses an object-valued __proto__ (the pollution shape) without touching Object.prototype', () => {
    const issues = issuesOf(eventWith('attributes', '{"__proto__":{"polluted_by_contract_test":true}}'));
    assert.deepEqual(issues.map((issue) => issue.path), ['attributes.__proto__']);
    assert.equal(({} as Record<string, unknown>).polluted_by_contract_test, undefined);
  });

  it('reports a prototype key next to other problems of the same event', () => {
    const event = eventWith('metrics', '{"__proto__":1,"builds":2}') as Record<string, unknown>;
    event.event_id = '';
    const paths = issuesOf(event).map((issue) => issue.path).sort();
    assert.deepEqual(paths, ['event_id', 'metrics.__proto__']);
  });

  it('still accepts ordinary keys that merely contain the words', () => {
    const event = structuredClone(FULL) as Record<string, any>;
    event.attributes = { proto: 'a', __proto: 'b', constructor_name: 'c', my_prototype: 'd', Constructor: 'e' };
    event.metrics = { prototype_builds: 3 };
    event.access = { ...event.access, permissions: { constructors: 'read' } };
    const parsed = RunEvent.safeParse(event);
    assert.ok(parsed.success, parsed.success ? '' : JSON.stringify(describeIssues(parsed.error)));
    assert.deepEqual(parsed.data.attributes, event.attributes);
  });

  it('keeps record limits reported with their own message (a key too long)', () => {
    const event = structuredClone(FULL) as Record<string, any>;
    event.metrics = { ['m'.repeat(201)]: 1 };
    const issues = issuesOf(event);
    assert.equal(issues.length, 1);
    assert.ok(issues[0]!.path.startsWith('metrics.'));
    assert.match(issues[0]!.message, /200/);
  });
});
