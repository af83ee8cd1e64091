/**
 * A set that remembers only the most recent `capacity` ids, so a long-running
 * process can recall recent deliveries without growing without bound.
 */
export interface BoundedIdSet {
  has(id: string): boolean;
  add(id: string): void;
  readonly size: number;
}

export function createBoundedIdSet(capacity: number): BoundedIdSet {
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
  // A Set iterates in insertion order, so its first entry is always the oldest.
  const ids = new Set<string>();
  return {
    has: (id) => ids.has(id),
    add(id) {
      if (ids.has(id)) return;
      ids.add(id);
      if (ids.size > capacity) {
        const oldest = ids.values().next().value;
        if (oldest !== undefined) ids.delete(oldest);
      }
    },
    get size() {
      return ids.size;
    },
  };
}
