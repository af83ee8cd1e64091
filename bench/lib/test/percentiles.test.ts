import assert from 'node:assert/strict';
import { distribution, percentile } from '../percentiles.js';

describe('bench percentiles', () => {
  it('uses the nearest rank, so p99 of 100 values is the 99th and p50 of an odd count is the median', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(percentile(hundred, 99), 99);
    assert.equal(percentile(hundred, 100), 100);
    assert.equal(percentile([1, 2, 3, 4, 5], 50), 3);
    assert.ok(Number.isNaN(percentile([], 50)));
  });

  it('summarizes unsorted values without changing them', () => {
    const values = [30, 10, 20];
    const d = distribution(values);
    assert.deepEqual(values, [30, 10, 20]);
    assert.deepEqual({ n: d.n, min: d.min, mean: d.mean, p50: d.p50, max: d.max }, { n: 3, min: 10, mean: 20, p50: 20, max: 30 });
  });
});
