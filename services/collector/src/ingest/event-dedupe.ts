import { LRUCache } from 'lru-cache';

/** Remembers recently published event ids, so a client's retry is acknowledged without publishing twice. */
export interface EventDedupe {
  has(id: string): boolean;
  remember(ids: Iterable<string>): void;
}

/** Bounded by `capacity`: the oldest ids are forgotten first, so memory stays flat under any load. */
export function createEventDedupe(capacity: number): EventDedupe {
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new RangeError(`dedupe capacity must be a positive integer, got ${capacity}`);
  }
  const seen = new LRUCache<string, true>({ max: capacity });
  return {
    has: (id) => seen.has(id),
    remember(ids) {
      for (const id of ids) seen.set(id, true);
    },
  };
}
