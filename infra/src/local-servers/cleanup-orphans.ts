import { rmSync } from 'node:fs';
import { basename } from 'node:path';
import { registeredServers, unregisterServer, type RegistryEntry } from './pid-registry.js';
import { cmdlineOf, groupMembers, isAlive, signal, startTimeOf } from './proc.js';
import { sleep } from './sleep.js';

export interface CleanupOptions {
  /** Also stop servers whose owner is still running (what `cli down` does). Default false. */
  readonly all?: boolean;
  /** How long to wait after SIGTERM before SIGKILL. Default 20 s. */
  readonly graceMs?: number;
}

export interface CleanedServer {
  readonly kind: string;
  readonly pgid: number;
  readonly dir: string;
  /** False when the group was already gone and only the record was dropped. */
  readonly killed: boolean;
}

function ownerAlive(entry: RegistryEntry): boolean {
  if (!isAlive(entry.owner)) return false;
  // A different start time means the pid was reused by an unrelated process.
  return entry.ownerStartTime === undefined || startTimeOf(entry.owner) === entry.ownerStartTime;
}

/** Only members whose command line names the entry's own temp dir: guards against pid reuse. */
function ownMembers(entry: RegistryEntry): number[] {
  return groupMembers(entry.pgid).filter((pid) => cmdlineOf(pid).includes(entry.dir));
}

/**
 * Kills servers recorded in the pid registry whose owning process is gone (a crashed or
 * SIGKILLed earlier run), or all recorded servers with `all`. Runs before every start.
 */
export async function cleanupOrphans(options: CleanupOptions = {}): Promise<CleanedServer[]> {
  const targets = registeredServers().filter((entry) => options.all === true || !ownerAlive(entry));
  const killed = targets.filter((entry) => ownMembers(entry).length > 0);
  for (const entry of killed) signal(-entry.pgid, 'SIGTERM');
  const deadline = Date.now() + (options.graceMs ?? 20_000);
  while (Date.now() < deadline && killed.some((entry) => ownMembers(entry).length > 0)) await sleep(200);
  for (const entry of killed) if (ownMembers(entry).length > 0) signal(-entry.pgid, 'SIGKILL');
  const killDeadline = Date.now() + 5_000;
  while (Date.now() < killDeadline && killed.some((entry) => ownMembers(entry).length > 0)) await sleep(100);
  for (const entry of targets) {
    // Only our own temp dirs, never a path a corrupt registry file might name.
    if (basename(entry.dir).startsWith('pipewatch-')) {
      rmSync(entry.dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    }
    unregisterServer(entry.pgid);
  }
  return targets.map((entry) => ({
    kind: entry.kind,
    pgid: entry.pgid,
    dir: entry.dir,
    killed: killed.includes(entry),
  }));
}
