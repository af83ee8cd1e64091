import type { SeenEntry, SeenSet } from './baseline.js';
import { ownEntry, setOwnEntry } from './own-entry.js';

export function epochSeconds(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

export function isoFromEpoch(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

/** Records one sighting; past `max` entries the one seen least recently is forgotten. */
export function see(set: SeenSet, key: string, atSeconds: number, max: number): void {
  const entry = ownEntry(set, key);
  if (entry) {
    entry[1] = Math.max(entry[1], atSeconds);
    entry[2] += 1;
    return;
  }
  setOwnEntry(set, key, [atSeconds, atSeconds, 1]);
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

/** The most frequently seen keys, for "what is normal" evidence. */
export function topSeen(set: SeenSet, limit: number): { value: string; runs_seen: number; first_seen: string }[] {
  return Object.entries(set)
    .sort((a, b) => b[1][2] - a[1][2] || (a[0] < b[0] ? -1 : 1))
    .slice(0, limit)
    .map(([value, entry]) => ({ value, runs_seen: entry[2], first_seen: isoFromEpoch(entry[0]) }));
}
