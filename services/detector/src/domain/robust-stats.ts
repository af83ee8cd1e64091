import { median, medianAbsoluteDeviation } from 'simple-statistics';

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
  const m = median(values as number[]);
  const mad = values.length > 1 ? medianAbsoluteDeviation(values as number[]) : 0;
  const spread = Math.max(MAD_TO_SIGMA * mad, relativeFloor * Math.abs(m), absoluteFloor);
  return { n: values.length, median: m, mad, spread };
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
