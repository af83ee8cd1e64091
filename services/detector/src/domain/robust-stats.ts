import { medianSorted } from 'simple-statistics';

/** 1.4826 × MAD estimates the standard deviation of normal data while ignoring outliers. */
const MAD_TO_SIGMA = 1.4826;

export interface RobustSummary {
  n: number;
  median: number;
  mad: number;
  /** The spread a deviation is measured in: scaled MAD, floored so flat series are not hair-triggers. */
  spread: number;
}

export function summarize(values: readonly number[], relativeFloor: number, absoluteFloor: number): RobustSummary {
  if (values.length === 0) throw new Error('no values to summarize');
  // Windows are small (30 values by default): sorted in a reused buffer, with no copy left behind per call.
  const sorted = sortedInto(values);
  const m = medianOfSorted(sorted, values.length);
  let mad = 0;
  if (values.length > 1) mad = medianOfSorted(deviationsInto(sorted, m), values.length);
  const spread = Math.max(MAD_TO_SIGMA * mad, relativeFloor * Math.abs(m), absoluteFloor);
  return { n: values.length, median: m, mad, spread };
}

/** One reused array: resized to the window, never reallocated per call. */
const buffer: number[] = [];

function sortedInto(values: readonly number[]): number[] {
  buffer.length = values.length;
  for (let index = 0; index < values.length; index++) buffer[index] = values[index]!;
  insertionSort(buffer, values.length);
  return buffer;
}

/** The second reused array: absolute deviations from the median, in order. */
const deviations: number[] = [];

/**
 * |x − median| for sorted values, in ascending order without sorting: they are
 * two ascending runs (outwards from the median to either end), merged in one pass.
 */
function deviationsInto(sorted: readonly number[], median: number): number[] {
  const length = sorted.length;
  deviations.length = length;
  let right = 0;
  while (right < length && sorted[right]! < median) right++;
  let left = right - 1;
  for (let index = 0; index < length; index++) {
    const below = left >= 0 ? Math.abs(sorted[left]! - median) : Number.POSITIVE_INFINITY;
    const above = right < length ? Math.abs(sorted[right]! - median) : Number.POSITIVE_INFINITY;
    if (below <= above) {
      deviations[index] = below;
      left--;
    } else {
      deviations[index] = above;
      right++;
    }
  }
  return deviations;
}

/** Sorts the first `length` items in place: the fastest way for a few dozen numbers. */
function insertionSort(items: number[], length: number): void {
  for (let index = 1; index < length; index++) {
    const item = items[index]!;
    let at = index - 1;
    while (at >= 0 && items[at]! > item) {
      items[at + 1] = items[at]!;
      at--;
    }
    items[at + 1] = item;
  }
}

/** simple-statistics' median of an already sorted array (the buffer holds exactly the window). */
function medianOfSorted(sorted: number[], length: number): number {
  if (sorted.length !== length) throw new Error('buffer and window lengths differ');
  return medianSorted(sorted);
}

/**
 * Maps an unbounded deviation to [0, 1): monotone, 0.5 at z = 4, 0.83 at z = 20,
 * and still telling 50 spreads from 500 apart (an exponential saturates too soon).
 */
export function scoreFromZ(z: number): number {
  if (!(z > 0)) return 0;
  return round(z / (z + 4), 4);
}

export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
