import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createFileSuppressionStore, findSuppression, parseUntil, type Suppression } from '../src/index.js';
import { runFindings } from './helpers/run-findings.js';
import { makeTempDir } from './helpers/temp-dir.js';

const now = new Date('2026-11-01T12:00:00Z');

function suppression(overrides: Partial<Suppression>): Suppression {
  return {
    id: 'sup-000001',
    pipeline: '*',
    rule: 'access.egress.new_host',
    subject: '*',
    until: '2026-11-08T00:00:00.000Z',
    reason: 'known',
    author: 'alice',
    created_at: '2026-11-01T00:00:00.000Z',
    ...overrides,
  };
}

describe('suppressions', () => {
  it('parses --until as a duration or a date in the future', () => {
    assert.equal(parseUntil('7d', now), '2026-11-08T12:00:00.000Z');
    assert.equal(parseUntil('12h', now), '2026-11-02T00:00:00.000Z');
    assert.equal(parseUntil('30m', now), '2026-11-01T12:30:00.000Z');
    assert.equal(parseUntil('2w', now), '2026-11-15T12:00:00.000Z');
    assert.equal(parseUntil('2026-12-31', now), '2026-12-31T00:00:00.000Z');
    assert.equal(parseUntil('2026-12-31T08:00:00+02:00', now), '2026-12-31T06:00:00.000Z');
    assert.throws(() => parseUntil('2026-10-01', now), /not in the future/);
    assert.throws(() => parseUntil('soon', now), /duration/);
  });

  it('matches pipeline and rule patterns and the subject, and stops applying once expired', () => {
    const [, , egress] = runFindings('r1');
    assert.equal(findSuppression([suppression({})], egress!, now)?.id, 'sup-000001');
    assert.equal(findSuppression([suppression({ pipeline: 'github:octo/*', rule: 'access.*', subject: 'pool.evil.example' })], egress!, now)?.id, 'sup-000001');
    assert.equal(findSuppression([suppression({ subject: 'other.example' })], egress!, now), undefined, 'another subject');
    assert.equal(findSuppression([suppression({ pipeline: 'github:acme/*' })], egress!, now), undefined, 'another pipeline');
    assert.equal(findSuppression([suppression({ rule: 'resource.*' })], egress!, now), undefined, 'another rule');
    assert.equal(findSuppression([suppression({})], egress!, new Date('2026-11-08T00:00:00Z')), undefined, 'expired at until');
  });

  it('adds, lists and removes suppressions in the data-dir file', async () => {
    const dir = await makeTempDir();
    try {
      const store = createFileSuppressionStore({ path: join(dir.path, 'suppressions.json'), now: () => now });
      assert.deepEqual(await store.list(), []);
      const added = await store.add({ pipeline: '*', rule: 'access.*', subject: '*', until: '2026-11-08T00:00:00.000Z', reason: 'r', author: 'a' });
      assert.match(added.id, /^sup-[0-9a-f]{12}$/);
      assert.equal(added.created_at, now.toISOString());
      assert.deepEqual(await createFileSuppressionStore({ path: join(dir.path, 'suppressions.json') }).list(), [added], 'another reader sees it');
      assert.equal(await store.remove(added.id), true);
      assert.equal(await store.remove(added.id), false);
      assert.deepEqual(await store.list(), []);
    } finally {
      await dir.remove();
    }
  });
});
