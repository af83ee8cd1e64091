import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serversCacheDir } from './cache.js';

/**
 * One file per started server under <cache>/pids, so a run that died without cleaning up
 * (SIGKILL, OOM, power loss) leaves enough behind for the next start to kill its JVMs.
 * One file per entry avoids a read-modify-write race between parallel test runs.
 */
export interface RegistryEntry {
  readonly kind: string;
  /** Process group of the server: the spawned wrapper's pid. */
  readonly pgid: number;
  /** The Node process that started it, with its start time to detect pid reuse. */
  readonly owner: number;
  readonly ownerStartTime: number | undefined;
  /** Per-start temp dir; also appears on the command lines of the group's members. */
  readonly dir: string;
  readonly startedAt: string;
}

function registryDir(): string {
  return join(serversCacheDir(), 'pids');
}

export function registerServer(entry: RegistryEntry): void {
  mkdirSync(registryDir(), { recursive: true });
  writeFileSync(join(registryDir(), `${entry.pgid}.json`), `${JSON.stringify(entry, null, 2)}\n`);
}

export function unregisterServer(pgid: number): void {
  rmSync(join(registryDir(), `${pgid}.json`), { force: true });
}

export function registeredServers(): RegistryEntry[] {
  let names: string[];
  try {
    names = readdirSync(registryDir());
  } catch {
    return [];
  }
  const entries: RegistryEntry[] = [];
  for (const name of names.filter((n) => n.endsWith('.json'))) {
    try {
      entries.push(JSON.parse(readFileSync(join(registryDir(), name), 'utf8')) as RegistryEntry);
    } catch {
      // Half-written or corrupt: nothing to act on; drop it.
      rmSync(join(registryDir(), name), { force: true });
    }
  }
  return entries;
}
