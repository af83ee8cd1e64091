import type { SeenEntry, SeenSet } from './baseline.js';
import { keyHash } from './fingerprint.js';
import { ownEntry, setOwnEntry } from './own-entry.js';

const DAY_SECONDS = 86_400;

export function epochSeconds(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

export function isoFromEpoch(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

/** Seen-sets remember days, not instants: "first seen on 3 March" is what evidence needs. */
export function dayStart(seconds: number): number {
  return Math.floor(seconds / DAY_SECONDS) * DAY_SECONDS;
}

/** The entry for a readable value, when the set has seen it. */
export function seenEntry(set: SeenSet, value: string): SeenEntry | undefined {
  return ownEntry(set, keyHash(value));
}

/**
 * Records one sighting of `value`, with its readable form (the store keeps that
 * only for the most-seen entries); past `max` entries the one seen least recently
 * is forgotten.
 */
export function see(set: SeenSet, value: string, atSeconds: number, max: number): void {
  const key = keyHash(value);
  const day = dayStart(atSeconds);
  const entry = ownEntry(set, key);
  if (entry) {
    entry[1] = Math.max(entry[1], day);
    entry[2] += 1;
    entry[3] = value;
    return;
  }
  setOwnEntry<SeenEntry>(set, key, [day, day, 1, value]);
  const keys = Object.keys(set);
  if (keys.length <= max) return;
  let oldest = keys[0]!;
  for (const candidate of keys) if (set[candidate]![1] < set[oldest]![1]) oldest = candidate;
  delete set[oldest];
}

/** The readable form used in evidence. */
export function describeSeen(entry: SeenEntry): { first_seen: string; last_seen: string; runs_seen: number } {
  return { first_seen: isoFromEpoch(entry[0]), last_seen: isoFromEpoch(entry[1]), runs_seen: entry[2] };
}

/** Readable values the set still holds (see `SEEN_NAMES_KEPT`). */
export function seenNames(set: SeenSet): string[] {
  const out: string[] = [];
  for (const entry of Object.values(set)) if (entry[3] !== undefined) out.push(entry[3]);
  return out;
}

export function seenCount(set: SeenSet): number {
  return Object.keys(set).length;
}

/** The most frequently seen values that kept their readable form, for "what is normal" evidence. */
export function topSeen(set: SeenSet, limit: number): { value: string; runs_seen: number; first_seen: string }[] {
  return Object.values(set)
    .filter((entry): entry is Required<SeenEntry> => entry[3] !== undefined)
    .sort((a, b) => b[2] - a[2] || (a[3] < b[3] ? -1 : 1))
    .slice(0, limit)
    .map((entry) => ({ value: entry[3], runs_seen: entry[2], first_seen: isoFromEpoch(entry[0]) }));
}
