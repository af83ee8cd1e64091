import { rmSync } from 'node:fs';
import { basename } from 'node:path';
import { serverMembers } from './lifeline.js';
import { registeredServers, unregisterServer, type RegistryEntry } from './pid-registry.js';
import { cmdlineOf, groupLeaves, groupMembers, isAlive, signal, startTimeOf } from './proc.js';
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

/** A group counts as ours only if a member names our temp dir: guards against pid reuse. */
function stillOurs(entry: RegistryEntry): boolean {
  return groupMembers(entry.pgid).some((pid) => cmdlineOf(pid).includes(entry.dir));
}

async function waitUntil(condition: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && !condition()) await sleep(100);
}

/**
 * Kills servers recorded in the pid registry whose owning process is gone (a crashed or
 * SIGKILLed earlier run whose lifeline also failed), or all recorded servers with `all`,
 * and removes their temp dirs. Runs before every start.
 */
export async function cleanupOrphans(options: CleanupOptions = {}): Promise<CleanedServer[]> {
  const targets = registeredServers().filter((entry) => options.all === true || !ownerAlive(entry));
  const killed = targets.filter(stillOurs);
  // TERM to the JVMs only: runuser, given a TERM, kills its child and leaves a zombie.
  for (const entry of killed) for (const pid of groupLeaves(entry.pgid)) signal(pid, 'SIGTERM');
  await waitUntil(() => killed.every((entry) => serverMembers(entry.pgid).length === 0), options.graceMs ?? 20_000);
  // Takes lifeline watchers (they ignore TERM) and anything that did not stop in time.
  for (const entry of killed) signal(-entry.pgid, 'SIGKILL');
  await waitUntil(() => killed.every((entry) => groupMembers(entry.pgid).length === 0), 5_000);
  for (const entry of targets) {
    // Only our own temp dirs, never a path a corrupt registry file might name.
    if (basename(entry.dir).startsWith('pipewatch-')) {
      rmSync(entry.dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    }
    unregisterServer(entry.pgid);
  }
  return targets.map((entry) => ({ kind: entry.kind, pgid: entry.pgid, dir: entry.dir, killed: killed.includes(entry) }));
}
