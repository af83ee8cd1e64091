import assert from 'node:assert/strict';
import type { RunEvent } from '@pipewatch/shared';
import { DEFAULT_SETTINGS, createDetectionEngine, createInMemoryBaselineStore } from '../src/index.js';
import { makeRun } from './make-run.js';

/**
 * Two pipelines of one repository doing the same job (so the second borrows the
 * first's baseline while it learns), interleaved, with a redelivered event and an
 * anomaly in each.
 */
function stream(): RunEvent[] {
  const out: RunEvent[] = [];
  for (let i = 0; i < 40; i++) {
    const slow = (anomalous: boolean) => (anomalous ? { resources: { duration_s: 4000, cpu_s: 60 } } : {});
    out.push(makeRun(i, slow(i === 30 || i === 38)));
    // The sibling starts once the first pipeline judges, and is anomalous while it still learns.
    if (i >= 12) out.push(makeRun(1000 + i, { pipeline: { id: 'github:octo/app:.github/workflows/release.yml:build', repository: 'octo/app' }, ...slow(i === 16 || i === 33) }));
    if (i === 20) out.push(makeRun(19));
  }
  return out;
}

describe('detection engine', () => {
  it('judges a stream in batches exactly as one run at a time: same findings, statuses and stored baselines', async () => {
    const events = stream();
    const singleStore = createInMemoryBaselineStore();
    const single = createDetectionEngine(singleStore, DEFAULT_SETTINGS);
    const oneByOne = [];
    for (const event of events) {
      const judged = await single.judgeRun(event, event.occurred_at);
      await judged.save();
      oneByOne.push(judged.detection);
    }
    const batchStore = createInMemoryBaselineStore();
    const batched = createDetectionEngine(batchStore, DEFAULT_SETTINGS);
    const inBatches = [];
    for (let start = 0; start < events.length; start += 7) {
      const judged = await batched.judgeRuns(events.slice(start, start + 7).map((event) => ({ event, detectedAt: event.occurred_at })));
      await judged.save();
      inBatches.push(...judged.detections);
    }
    assert.ok(oneByOne.some((detection) => detection.status === 'duplicate'), 'the stream has no redelivery');
    assert.ok(oneByOne.some((detection) => detection.findings.some((finding) => finding.evidence.baseline && 'borrowed_from' in (finding.evidence.baseline as object))), 'no finding used the sibling baseline');
    assert.deepEqual(inBatches.map((detection) => detection.status), oneByOne.map((detection) => detection.status));
    assert.deepEqual(inBatches.map((detection) => detection.findings), oneByOne.map((detection) => detection.findings));
    for (const id of new Set(events.map((event) => event.pipeline.id))) assert.deepEqual(await batchStore.get(id), await singleStore.get(id), `baseline of ${id}`);
  });

  it('stores nothing until save, and leaves the stored baseline untouched when a batch is judged but never saved', async () => {
    const store = createInMemoryBaselineStore();
    const engine = createDetectionEngine(store, DEFAULT_SETTINGS);
    const first = await engine.judgeRuns([makeRun(0), makeRun(1)].map((event) => ({ event, detectedAt: event.occurred_at })));
    assert.equal(await store.get(makeRun(0).pipeline.id), undefined);
    await first.save();
    const stored = structuredClone(await store.get(makeRun(0).pipeline.id));
    await engine.judgeRuns([makeRun(2)].map((event) => ({ event, detectedAt: event.occurred_at })));
    assert.deepEqual(await store.get(makeRun(0).pipeline.id), stored);
    assert.equal(stored?.runs, 2);
  });
});
