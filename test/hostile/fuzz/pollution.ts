import assert from 'node:assert/strict';
import { POLLUTION_CANARY } from './hostile-values.js';

const WATCHED = { Object: Object.prototype, Array: Array.prototype, String: String.prototype, Function: Function.prototype } as const;

/** The own property names of the built-in prototypes now, to compare against later. */
export function snapshotPrototypes(): Record<string, string[]> {
  return Object.fromEntries(Object.entries(WATCHED).map(([name, proto]) => [name, Reflect.ownKeys(proto).map(String).sort()]));
}

/** Fails if any built-in prototype gained or lost a property, or the canary is visible on a fresh object. */
export function assertNotPolluted(before: Record<string, string[]>, what: () => string): void {
  assert.equal(({} as Record<string, unknown>)[POLLUTION_CANARY], undefined, `Object.prototype polluted (${POLLUTION_CANARY}) after ${what()}`);
  for (const [name, proto] of Object.entries(WATCHED)) {
    const now = Reflect.ownKeys(proto).map(String).sort();
    assert.deepEqual(now, before[name], `${name}.prototype changed after ${what()}`);
  }
}
