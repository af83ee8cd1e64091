import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { LogBatch, MAX_LOG_LINES, RunEvent } from '@pipewatch/shared';
import { loadCiLogs } from './real/ci-logs.js';
import { CI_LOGS_DIR, HAS_SHARED_DATA, TRAVIS_BUILDS_CSV } from './real/data-paths.js';
import { parseTravisBuilds, travisRunItems } from './real/travis-builds.js';

// The data lives beside the repository; a clone on its own skips these.
(HAS_SHARED_DATA ? describe : describe.skip)('real CI history as scenario input', () => {
  it('reads all 2,352 TravisTorrent builds as valid run events, in start-time order, one pipeline per project and branch kind', async () => {
    const load = parseTravisBuilds(await readFile(TRAVIS_BUILDS_CSV, 'utf8'));
    assert.equal(load.builds.length, 2352);
    assert.deepEqual(load.dropped, []);
    const items = travisRunItems(load.builds);
    for (const item of items) assert.ok(RunEvent.safeParse(item.event).success, item.event.event_id);
    for (let i = 1; i < items.length; i++) assert.ok(items[i]!.event.occurred_at >= items[i - 1]!.event.occurred_at);
    const pipelines = new Set(items.map((item) => item.event.pipeline.id));
    assert.ok(pipelines.has('travis:facebook/presto:master'));
    assert.ok(pipelines.has('travis:reactjs/react-rails:pr'));
    assert.ok([...pipelines].every((id) => /^travis:[^:]+:(master|pr|branch)$/.test(id)));
    // The extract's times carry no zone; TravisTorrent's are UTC.
    assert.equal(load.quirks.zonelessTimes, 2352);
    assert.equal(items[0]!.event.occurred_at.endsWith('Z'), true);
    assert.ok(load.quirks.numberInversions > 0, 'build numbers are not monotonic in time');
  });

  it('maps Travis statuses and keeps the raw one: errored counts as a failure', async () => {
    const load = parseTravisBuilds(await readFile(TRAVIS_BUILDS_CSV, 'utf8'));
    const errored = travisRunItems(load.builds).find((item) => item.event.attributes?.['travis_status'] === 'errored')!;
    assert.equal(errored.event.run.status, 'failure');
    assert.equal(load.builds.filter((build) => build.status === 'success').length, 1420);
  });

  it('survives the quirks real extracts have: nulls, zone-less and zoned times, repeated ids, quoted commas, rows out of order', () => {
    const csv = [
      'gh_project_name,tr_build_id,tr_build_number,gh_build_started_at,tr_status,tr_duration,git_branch,gh_is_pr,git_trigger_commit,n_jobs',
      'o/b,3,3,2015-01-02T10:00:00,passed,NA,master,False,abc,NA',
      'o/a,1,1,2015-01-01 09:00:00,failed,120,"feature,with,commas",True,,2',
      'o/a,1,1,2015-01-01T09:00:00,failed,120,x,False,,2',
      'o/a,,5,2015-01-01T09:00:00,passed,10,master,False,,1',
      'o/a,2,2,2015-01-01T08:00:00+02:00,errored,null,,False,def,1',
    ].join('\r\n');
    const load = parseTravisBuilds(csv);
    assert.deepEqual(load.builds.map((build) => build.buildId), ['2', '1', '3']);
    assert.deepEqual(load.dropped.map((drop) => drop.reason), ['build id 1 repeated', 'no build id']);
    assert.equal(load.builds[0]!.startedAt, '2015-01-01T06:00:00.000Z');
    assert.equal(load.builds[1]!.branch, 'feature,with,commas');
    assert.equal(load.builds[2]!.durationS, undefined);
    const [first, second, third] = travisRunItems(load.builds);
    assert.equal(first!.event.resources, undefined);
    assert.equal(second!.event.pipeline.id, 'travis:o/a:pr');
    assert.equal(third!.event.metrics, undefined);
    for (const item of [first, second, third]) assert.ok(RunEvent.safeParse(item!.event).success);
  });

  it('cuts the 61 real job logs into valid log batches, as the collector splits text: long lines cut to the contract limit', async () => {
    const { items, stats } = await loadCiLogs(CI_LOGS_DIR);
    assert.equal(stats.files, 61);
    // spoonsnapshotdeployer_4314/pass.log redraws a progress bar with bare CRs: one 153,593-character line.
    assert.equal(stats.cutLines, 1);
    for (const item of items) {
      assert.ok(LogBatch.safeParse(item.batch).success, item.batch.event_id);
      assert.ok(item.batch.lines.length <= MAX_LOG_LINES);
    }
  });
});
