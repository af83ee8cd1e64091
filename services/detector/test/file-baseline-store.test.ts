import assert from 'node:assert/strict';
import { mkdtemp, readFile, appendFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileBaselineStore, emptyBaseline } from '../src/index.js';

describe('file baseline store', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pipewatch-baselines-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps baselines across a close and reopen', async () => {
    const path = join(dir, 'baselines.ndjson');
    const store = await createFileBaselineStore({ path });
    const baseline = emptyBaseline('p1');
    baseline.runs = 12;
    baseline.numeric['resources.duration_s'] = [1, 2, 3];
    await store.put(baseline);
    await store.close();
    const reopened = await createFileBaselineStore({ path });
    assert.deepEqual(await reopened.get('p1'), baseline);
    assert.equal(reopened.size(), 1);
    await reopened.close();
  });

  it('keeps the last record per pipeline and compacts the log', async () => {
    const path = join(dir, 'baselines.ndjson');
    const store = await createFileBaselineStore({ path, compactFactor: 2 });
    for (let i = 0; i < 300; i++) {
      const baseline = emptyBaseline(`p${i % 3}`);
      baseline.runs = i;
      await store.put(baseline);
    }
    await store.close();
    const lines = (await readFile(path, 'utf8')).trim().split('\n');
    assert.ok(lines.length <= 2 * 64 + 1, `log not compacted: ${lines.length} lines`);
    const reopened = await createFileBaselineStore({ path });
    assert.equal((await reopened.get('p0'))?.runs, 297);
    assert.equal((await reopened.get('p2'))?.runs, 299);
    await reopened.close();
  });

  it('survives a torn last line left by a crash', async () => {
    const path = join(dir, 'baselines.ndjson');
    const store = await createFileBaselineStore({ path });
    const baseline = emptyBaseline('p1');
    baseline.runs = 5;
    await store.put(baseline);
    await store.close();
    await appendFile(path, '{"version":1,"pipeline_id":"p1","runs":6,"num');
    const reopened = await createFileBaselineStore({ path });
    assert.equal((await reopened.get('p1'))?.runs, 5);
    await reopened.close();
  });
});
