import assert from 'node:assert/strict';
import { medianSorted } from 'simple-statistics';
import { summarize } from '../src/domain/robust-stats.js';

/** The definition: median, then the median of absolute deviations, each by a full sort. */
function reference(values: number[]): { median: number; mad: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const median = medianSorted(sorted);
  const deviations = values.map((value) => Math.abs(value - median)).sort((a, b) => a - b);
  return { median, mad: values.length > 1 ? medianSorted(deviations) : 0 };
}

describe('summarize', () => {
  it('gives exactly the median and MAD of a full sort, for windows with ties, negatives and decimals', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 20_000; trial++) {
      const length = 1 + Math.floor(random() * 40);
      const scale = [1, 10, 1e3, 1e9][trial % 4]!;
      const values = Array.from({ length }, () => {
        const value = trial % 3 === 0 ? Math.floor(random() * 5) : Number(((random() - 0.2) * scale).toPrecision(6));
        return value;
      });
      const got = summarize(values, 0.1, 1);
      const want = reference(values);
      assert.ok(Object.is(got.median, want.median) && Object.is(got.mad, want.mad), `${JSON.stringify(values)}: ${JSON.stringify(got)} vs ${JSON.stringify(want)}`);
    }
  });
});
