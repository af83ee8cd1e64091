import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSpool, type SpoolRecord } from '../src/index.js';

const record = (n: number, pad = 0): SpoolRecord => ({ kind: 'logs', body: { n, pad: 'p'.repeat(pad) } });

describe('createSpool (bounded file on disk)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pipewatch-spool-test-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('appends records as NDJSON and reads them back in order, creating the directory', async () => {
    const spool = createSpool({ dir: join(dir, 'nested'), maxBytes: 1_000_000 });
    await spool.append([record(1), record(2)]);
    await spool.append([{ kind: 'event', body: { event_id: 'e' } }]);
    assert.deepEqual(await spool.read(), [record(1), record(2), { kind: 'event', body: { event_id: 'e' } }]);
    assert.equal((await readFile(spool.path, 'utf8')).split('\n').length, 4);
  });

  it('stays under maxBytes by dropping the oldest records, and counts them', async () => {
    const spool = createSpool({ dir, maxBytes: 1000 });
    let dropped = 0;
    for (let n = 0; n < 20; n += 1) dropped += (await spool.append([record(n, 100)])).dropped;
    const kept = await spool.read();
    assert.ok((await stat(spool.path)).size <= 1000);
    assert.equal(dropped + kept.length, 20);
    assert.ok(dropped > 0);
    assert.deepEqual(kept.map((r) => (r.body as { n: number }).n), Array.from({ length: kept.length }, (_, i) => 20 - kept.length + i), 'the newest survive');
  });

  it('drops a single record larger than the whole bound instead of wiping the spool', async () => {
    const spool = createSpool({ dir, maxBytes: 500 });
    await spool.append([record(1)]);
    assert.deepEqual(await spool.append([record(2, 1000)]), { dropped: 1 });
    assert.deepEqual(await spool.read(), [record(1)]);
  });

  it('claim takes everything: new appends go to a fresh file, release deletes the claimed one', async () => {
    const spool = createSpool({ dir, maxBytes: 1_000_000 });
    await spool.append([record(1), record(2)]);
    const claimed = await spool.claim();
    assert.deepEqual(claimed.records, [record(1), record(2)]);
    await spool.append([record(3)]);
    assert.deepEqual(await spool.read(), [record(3)]);
    await claimed.release();
    assert.deepEqual((await readdir(dir)).sort(), ['spool.ndjson']);
    assert.deepEqual((await spool.claim()).records, [record(3)]);
  });

  it('adopts records claimed by a forwarder that died mid-resend, and skips torn lines', async () => {
    const spool = createSpool({ dir, maxBytes: 1_000_000 });
    // pid 2^22 + 1 is above the largest pid_max Linux allows, so no live process owns it.
    await writeFile(join(dir, 'claimed-4194305-abcd1234.ndjson'), `${JSON.stringify(record(7))}\n{"kind":"logs","bo`);
    assert.deepEqual((await spool.claim()).records, [record(7)]);
  });

  it('claims nothing from an empty or missing spool', async () => {
    const spool = createSpool({ dir: join(dir, 'never-written'), maxBytes: 1000 });
    assert.deepEqual((await spool.claim()).records, []);
  });
});
