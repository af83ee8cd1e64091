import type { PipelineBaseline } from './baseline.js';
import { setOwnEntry } from './own-entry.js';

/**
 * A deep copy of a baseline (plain JSON data), for judging without touching the
 * stored one. Faster than structuredClone on these many-keyed records; record
 * keys come from events, so `__proto__` is copied as the data it is.
 */
export function cloneBaseline(baseline: PipelineBaseline): PipelineBaseline {
  return copyJson(baseline);
}

function copyJson<T>(value: T): T {
  if (Array.isArray(value)) {
    const out = value.slice();
    for (let index = 0; index < out.length; index++) {
      const item: unknown = out[index];
      if (typeof item === 'object' && item !== null) out[index] = copyJson(item);
    }
    return out as T;
  }
  // The spread copies own keys as data (an own `__proto__` too); nested values are replaced after.
  const out = { ...(value as Record<string, unknown>) };
  for (const key of Object.keys(out)) {
    const item = out[key];
    if (typeof item === 'object' && item !== null) setOwnEntry(out, key, copyJson(item));
  }
  return out as T;
}
