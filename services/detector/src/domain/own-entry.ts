/**
 * Baseline records are keyed by strings from run events (hosts, secret names,
 * executables, actors, actions). Read through the record's own entries only: a
 * plain `record[key]` finds Object.prototype's members for `constructor` or
 * `toString`, and for `__proto__` returns Object.prototype itself, which the
 * learning code then wrote into (Object.prototype[1] and [2] were set by a run
 * with a secret named `__proto__`).
 */
export function ownEntry<V>(record: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Sets an own entry; assigning `__proto__` would replace the record's prototype instead of adding a key. */
export function setOwnEntry<V>(record: Record<string, V>, key: string, value: V): V {
  if (key === '__proto__') Object.defineProperty(record, key, { value, writable: true, enumerable: true, configurable: true });
  else record[key] = value;
  return value;
}
