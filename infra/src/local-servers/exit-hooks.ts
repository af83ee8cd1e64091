import { serverMembers } from './lifeline.js';
import { groupMembers, isAlive, signal } from './proc.js';
import { sleepSync } from './sleep.js';

/** What the hooks need from a running server; implemented by ServerProcess. */
export interface TrackedServer {
  readonly pgid: number;
  readonly mainPid: number;
  /** Drops the registry entry and the per-start dir; synchronous. */
  forgetSync(): void;
}

const GRACE_MS = 20_000;
const live = new Set<TrackedServer>();
let installed = false;

export function trackServer(server: TrackedServer): void {
  install();
  live.add(server);
}

export function untrackServer(server: TrackedServer): void {
  live.delete(server);
}

/**
 * Stops every server this process started, blocking: used where the event loop is gone
 * ('exit') or about to be (a fatal signal). TERM first so Kafka and Elasticsearch shut
 * down cleanly, KILL after the grace period so no JVM outlives its owner.
 */
export function stopAllSync(): void {
  const servers = [...live];
  if (servers.length === 0) return;
  for (const server of servers) signal(server.mainPid, 'SIGTERM');
  const deadline = Date.now() + GRACE_MS;
  while (Date.now() < deadline && servers.some((s) => isAlive(s.mainPid))) sleepSync(100);
  // Launchers (runuser, the Elasticsearch CLI) leave by themselves once the JVM is gone;
  // killing runuser first would leave its child a zombie.
  const launcherDeadline = Date.now() + 5_000;
  while (Date.now() < launcherDeadline && servers.some((s) => serverMembers(s.pgid).some((pid) => pid !== s.pgid))) {
    sleepSync(50);
  }
  // Takes the lifeline watchers and anything that ignored TERM with it.
  for (const server of servers) signal(-server.pgid, 'SIGKILL');
  const killDeadline = Date.now() + 5_000;
  while (Date.now() < killDeadline && servers.some((s) => groupMembers(s.pgid).length > 0)) {
    sleepSync(50);
  }
  for (const server of servers) {
    live.delete(server);
    server.forgetSync();
  }
}

function onSignal(sig: NodeJS.Signals): void {
  // Someone else handles this signal (our CLI, a test runner): they decide when to exit,
  // and the 'exit' hook still catches whatever they leave running.
  if (process.listenerCount(sig) > 1) return;
  stopAllSync();
  process.removeListener(sig, onSignal);
  // Re-raise so the process dies the way it would have without us.
  process.kill(process.pid, sig);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', stopAllSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, onSignal);
}
