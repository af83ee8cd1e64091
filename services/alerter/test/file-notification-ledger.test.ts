import assert from 'node:assert/strict';
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createFileNotificationLedger } from '../src/index.js';
import { runFindings } from './helpers/run-findings.js';
import { makeTempDir } from './helpers/temp-dir.js';

describe('file notification ledger', () => {
  let dir: Awaited<ReturnType<typeof makeTempDir>>;
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(async () => {
    await dir.remove();
  });

  it('claims a (destination, finding) once, across restarts and in every state', async () => {
    const path = join(dir.path, 'notifications.ndjson');
    const [a, b, c] = runFindings('r1');
    const ledger = await createFileNotificationLedger({ path });
    const fresh = await ledger.claim([{ destination: 'slack', finding: a! }, { destination: 'hook', finding: a! }, { destination: 'slack', finding: a! }], 'pending');
    assert.equal(fresh.length, 2, 'a repeated entry in one call counts once');
    assert.deepEqual(await ledger.claim([{ destination: 'slack', finding: a! }], 'pending'), []);
    await ledger.claim([{ destination: 'slack', finding: b! }], 'suppressed', { suppression_id: 'sup-abcdef' });
    await ledger.settle([{ destination: 'slack', finding_id: a!.finding_id }], 'sent');
    await ledger.close();

    const reopened = await createFileNotificationLedger({ path });
    assert.deepEqual(
      (await reopened.takeOver()).map((entry) => `${entry.destination}:${entry.finding.finding_id}`),
      [`hook:${a!.finding_id}`],
      'only the unsettled claim is handed back, with its finding',
    );
    assert.deepEqual(await reopened.takeOver(), [], 'and only once');
    for (const [destination, finding] of [['slack', a], ['hook', a], ['slack', b]] as const) {
      assert.deepEqual(await reopened.claim([{ destination, finding: finding! }], 'pending'), [], `${destination}:${finding!.finding_id} stays claimed`);
    }
    assert.equal((await reopened.claim([{ destination: 'slack', finding: c! }], 'pending')).length, 1);
    await reopened.close();
  });

  it('compacts the journal at start, survives a torn last line, and forgets settled entries past retention', async () => {
    const path = join(dir.path, 'notifications.ndjson');
    const [a, b] = runFindings('r2');
    const ledger = await createFileNotificationLedger({ path, now: () => new Date('2026-01-01T00:00:00Z') });
    await ledger.claim([{ destination: 'hook', finding: a! }, { destination: 'hook', finding: b! }], 'pending');
    await ledger.settle([{ destination: 'hook', finding_id: a!.finding_id }], 'sent');
    await ledger.close();
    await appendFile(path, '{"key":"hook:torn","desti');

    const later = await createFileNotificationLedger({ path, now: () => new Date('2026-06-01T00:00:00Z'), retainSettledMs: 30 * 86_400_000 });
    const lines = (await readFile(path, 'utf8')).trim().split('\n');
    assert.equal(lines.length, 1, 'one line per live key; the old sent entry and the torn line are gone');
    assert.equal(later.size(), 1);
    assert.equal((await later.takeOver())[0]!.finding.finding_id, b!.finding_id, 'pending entries are kept whatever their age');
    await later.close();
  });
});
