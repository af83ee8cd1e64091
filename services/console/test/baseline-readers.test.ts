import assert from 'node:assert/strict';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baselineToText, createFileBaselineStore, emptyBaseline } from '@pipewatch/detector';
import { baselineStatus } from '../src/baselines/baseline-reader.js';
import { createFileBaselineReader } from '../src/baselines/file-baseline-reader.js';

describe('file baseline reader', () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pipewatch-console-baselines-'));
    path = join(dir, 'baselines.ndjson');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('serves the last line per pipeline, skipping old versions and torn lines', async () => {
    const first = { ...emptyBaseline('p1', 'octo/app'), runs: 1 };
    const second = { ...emptyBaseline('p1', 'octo/app'), runs: 2 };
    const third = baselineToText({ ...emptyBaseline('p3'), runs: 7 });
    const lines = [baselineToText(first), JSON.stringify({ version: 3, pipeline_id: 'old', runs: 40 }), baselineToText(emptyBaseline('p2')), baselineToText(second)];
    await writeFile(path, `${lines.join('\n')}\n${third.slice(0, 10)}`);
    const reader = createFileBaselineReader({ path });
    assert.deepEqual((await reader.list()).map((baseline) => [baseline.pipeline_id, baseline.runs]).sort(), [['p1', 2], ['p2', 0]]);
    assert.equal((await reader.get('p1'))?.runs, 2);
    assert.equal(await reader.get('old'), undefined);
    assert.notEqual(reader.asOf(), null);
    // The writer finishes the torn line, then appends more.
    await appendFile(path, `${third.slice(10)}\n${baselineToText({ ...emptyBaseline('p1'), runs: 3 })}\n`);
    assert.equal((await reader.get('p1'))?.runs, 3);
    assert.deepEqual((await reader.list()).map((baseline) => [baseline.pipeline_id, baseline.runs]).sort(), [['p1', 3], ['p2', 0], ['p3', 7]], 'the completed line counts');
  });

  it('follows the detector\'s own file store through appends and a compaction that renames a new file in', async () => {
    const store = await createFileBaselineStore({ path, compactFactor: 1 });
    const reader = createFileBaselineReader({ path });
    try {
      for (let run = 1; run <= 70; run++) {
        await store.put({ ...emptyBaseline(`pipeline-${run % 5}`), runs: run });
        if (run % 10 === 0) {
          const seen = await reader.list();
          assert.equal(seen.length, 5, `after ${run} puts`);
          assert.equal(Math.max(...seen.map((baseline) => baseline.runs)), run, `the newest put is visible after ${run} puts`);
        }
      }
    } finally {
      await store.close();
    }
    // 70 records > 1 × max(5, 64): the store compacted at least once on the way.
    const final = new Map((await reader.list()).map((baseline) => [baseline.pipeline_id, baseline.runs]));
    assert.deepEqual([...final].sort(), [['pipeline-0', 70], ['pipeline-1', 66], ['pipeline-2', 67], ['pipeline-3', 68], ['pipeline-4', 69]]);
  });

  it('calls a pipeline stable from min runs on, learning before', () => {
    assert.equal(baselineStatus({ runs: 9 }, 10), 'learning');
    assert.equal(baselineStatus({ runs: 10 }, 10), 'stable');
  });
});
