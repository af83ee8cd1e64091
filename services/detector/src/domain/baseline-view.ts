import { SEEN_SET_NAMES, type PipelineBaseline, type SeenSetName } from './baseline.js';

export type SeenView = Record<string, [first: number, last: number, runs: number]>;

export type BaselineView = Omit<PipelineBaseline, 'seen'> & { seen: Record<SeenSetName, SeenView> };

/**
 * A baseline as people read it (the console): seen-sets keyed by their readable
 * value where the baseline kept it, else by `#` and the value's hash, so the
 * table still shows how many things were seen, and when.
 */
export function baselineView(baseline: PipelineBaseline): BaselineView {
  const seen = {} as Record<SeenSetName, SeenView>;
  for (const name of SEEN_SET_NAMES) {
    seen[name] = Object.fromEntries(Object.entries(baseline.seen[name]).map(([key, [first, last, runs, value]]) => [value ?? `#${key}`, [first, last, runs]]));
  }
  return { ...baseline, seen };
}
