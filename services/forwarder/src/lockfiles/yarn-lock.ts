import type { Dependency } from './dependency.js';
import { parseYarnBerryLock } from './yarn-berry.js';
import { parseYarnV1Lock } from './yarn-v1.js';

/** Both yarn formats are named `yarn.lock`; berry's always opens with a `__metadata` entry. */
export function parseYarnLock(text: string, source: string): Dependency[] {
  return /^__metadata:/m.test(text) ? parseYarnBerryLock(text, source) : parseYarnV1Lock(text, source);
}
