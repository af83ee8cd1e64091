import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogShipper, type LogLine } from '../src/index.js';

describe('createLogShipper (batching)', () => {
  it('cuts a batch every maxLines lines', () => {
    const batches: LogLine[][] = [];
    const shipper = createLogShipper({ maxLines: 500, intervalMs: 60_000, emit: (lines) => batches.push(lines) });
    for (let i = 0; i < 1234; i += 1) shipper.add({ text: `line ${i}` });
    assert.deepEqual(batches.map((batch) => batch.length), [500, 500]);
    shipper.close();
    assert.deepEqual(batches.map((batch) => batch.length), [500, 500, 234]);
    assert.equal(batches.flat().map((line) => line.text).join(','), Array.from({ length: 1234 }, (_, i) => `line ${i}`).join(','));
    assert.equal(shipper.linesAdded, 1234);
  });

  it('sends a partial batch once the interval has passed since its first line', async () => {
    const batches: LogLine[][] = [];
    const shipper = createLogShipper({ maxLines: 500, intervalMs: 100, emit: (lines) => batches.push(lines) });
    shipper.add({ text: 'a' });
    shipper.add({ text: 'b' });
    assert.equal(batches.length, 0);
    await sleep(250);
    assert.deepEqual(batches, [[{ text: 'a' }, { text: 'b' }]]);
    shipper.close();
    assert.equal(batches.length, 1, 'closing with nothing buffered sends nothing');
  });

  it('cuts early when the batch grows past maxBytes', () => {
    const batches: LogLine[][] = [];
    const shipper = createLogShipper({ maxLines: 500, intervalMs: 60_000, maxBytes: 10_000, emit: (lines) => batches.push(lines) });
    for (let i = 0; i < 5; i += 1) shipper.add({ text: 'q'.repeat(4000) });
    shipper.close();
    assert.deepEqual(batches.map((batch) => batch.length), [3, 2]);
  });
});
