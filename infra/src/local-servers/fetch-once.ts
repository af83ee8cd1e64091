import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { withFileLock } from './lock.js';

/** Written last: a folder without it is a fetch that died half-way and is redone. */
const MARKER = '.pipewatch-fetched';

/**
 * Fills `home` once per machine. `fill` builds the content at `partial` (a path that does
 * not exist yet); only then is it renamed into place and marked complete. The lock keeps
 * a second process from fetching at the same time: it waits and then finds the marker.
 */
export async function fetchOnce(home: string, fill: (partial: string) => Promise<void>): Promise<void> {
  const marker = join(home, MARKER);
  if (existsSync(marker)) return;
  mkdirSync(dirname(home), { recursive: true });
  await withFileLock(`${home}.lock`, async () => {
    if (existsSync(marker)) return;
    const partial = `${home}.partial`;
    rmSync(partial, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
    try {
      await fill(partial);
    } catch (error) {
      rmSync(partial, { recursive: true, force: true });
      throw error;
    }
    renameSync(partial, home);
    writeFileSync(marker, `${JSON.stringify({ fetchedAt: new Date().toISOString() })}\n`);
  });
}
