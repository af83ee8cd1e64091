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
  if (values.length > 1) {
    for (let index = 0; index < values.length; index++) sorted[index] = Math.abs(values[index]! - m);
    insertionSort(sorted, values.length);
    mad = medianOfSorted(sorted, values.length);
  }
  const spread = Math.max(MAD_TO_SIGMA * mad, relativeFloor * Math.abs(m), absoluteFloor);
  return { n: values.length, median: m, mad, spread };
}

let buffer = new Float64Array(64);

function sortedInto(values: readonly number[]): Float64Array {
  if (buffer.length < values.length) buffer = new Float64Array(values.length * 2);
  for (let index = 0; index < values.length; index++) buffer[index] = values[index]!;
  insertionSort(buffer, values.length);
  return buffer;
}

/** Sorts the first `length` items in place: the fastest way for a few dozen numbers. */
function insertionSort(items: Float64Array, length: number): void {
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

/** The middle value, or `low + (high - low) / 2` between the middle two: numpy's default (type 7) rule, as simple-statistics had it. */
function medianOfSorted(sorted: Float64Array, length: number): number {
  const middle = (length - 1) / 2;
  const low = sorted[Math.floor(middle)]!;
  return middle % 1 === 0 ? low : low + 0.5 * (sorted[Math.ceil(middle)]! - low);
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
