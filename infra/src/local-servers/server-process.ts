import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { trackServer, untrackServer, type TrackedServer } from './exit-hooks.js';
import { LIFELINE_SCRIPT } from './lifeline.js';
import { registerServer, unregisterServer } from './pid-registry.js';
import { groupMembers, isAlive, signal, startTimeOf } from './proc.js';
import { sleep } from './sleep.js';

export interface ServerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface SpawnServerOptions {
  readonly kind: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Per-start temp dir: removed after stop unless keepDir. */
  readonly dir: string;
  readonly logFile: string;
  /** Leave `dir` in place after stop, for a restart on the same data. Default false. */
  readonly keepDir?: boolean;
}

/** A server JVM in its own process group, registered for orphan cleanup and exit hooks. */
export class ServerProcess implements TrackedServer {
  readonly kind: string;
  readonly pgid: number;
  readonly dir: string;
  readonly logFile: string;
  readonly exited: Promise<ServerExit>;
  /** Gets the graceful SIGTERM; the group leader unless a launcher sits in between. */
  mainPid: number;
  private exit: ServerExit | undefined;
  private stopping: Promise<void> | undefined;
  private readonly child: ChildProcess;
  private readonly lifeline: Socket;
  private readonly keepDir: boolean;

  constructor(options: SpawnServerOptions) {
    const log = openSync(options.logFile, 'a');
    try {
      this.child = spawn('/bin/sh', ['-c', LIFELINE_SCRIPT, `pipewatch-${options.kind}`, options.command, ...options.args], {
        cwd: options.cwd,
        env: options.env,
        // detached: setsid(), so the server has its own process group to signal as a whole
        // and does not get the terminal's Ctrl-C before we do.
        detached: true,
        stdio: ['ignore', log, log, 'pipe'],
      });
    } finally {
      closeSync(log);
    }
    if (this.child.pid === undefined) throw new Error(`cannot spawn ${options.kind}: no pid`);
    this.kind = options.kind;
    this.pgid = this.child.pid;
    this.mainPid = this.child.pid;
    this.dir = options.dir;
    this.logFile = options.logFile;
    this.keepDir = options.keepDir ?? false;
    this.lifeline = this.child.stdio[3] as Socket;
    this.lifeline.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, sig) => {
        this.exit = { code, signal: sig };
        resolve(this.exit);
      });
    });
    // Neither keeps the caller alive: a forgotten server is stopped by the 'exit' hook.
    this.child.unref();
    this.lifeline.unref();
    registerServer({
      kind: this.kind,
      pgid: this.pgid,
      owner: process.pid,
      ownerStartTime: startTimeOf(process.pid),
      dir: this.dir,
      startedAt: new Date().toISOString(),
    });
    trackServer(this);
  }

  hasExited(): boolean {
    return this.exit !== undefined;
  }

  /** SIGTERM, up to graceMs for a clean shutdown, then SIGKILL. Idempotent. */
  stop(graceMs = 20_000): Promise<void> {
    this.stopping ??= this.stopNow(graceMs);
    return this.stopping;
  }

  forgetSync(): void {
    untrackServer(this);
    unregisterServer(this.pgid);
    if (!this.keepDir) rmSync(this.dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  }

  private async stopNow(graceMs: number): Promise<void> {
    const deadline = Date.now() + graceMs;
    signal(this.mainPid, 'SIGTERM');
    await waitUntil(() => !isAlive(this.mainPid), deadline);
    // Let launchers in front of the JVM leave on their own: runuser answers a TERM by
    // killing its child after 2 s and exits without reaping it, leaving a zombie to init.
    await Promise.race([this.exited, sleep(5_000)]);
    // Releases the lifeline watcher, which then kills whatever is left of the group.
    this.lifeline.destroy();
    const groupGone = () => groupMembers(this.pgid).length === 0;
    if (!(await waitUntil(groupGone, Date.now() + 5_000))) {
      signal(-this.pgid, 'SIGTERM');
      if (!(await waitUntil(groupGone, Math.max(deadline, Date.now() + 5_000)))) {
        signal(-this.pgid, 'SIGKILL');
        await waitUntil(groupGone, Date.now() + 5_000);
      }
    }
    // Node reaps the wrapper asynchronously: wait, so the pid is really gone, not a zombie.
    await Promise.race([this.exited, sleep(2_000)]);
    this.forgetSync();
  }
}

async function waitUntil(condition: () => boolean, deadline: number): Promise<boolean> {
  while (!condition()) {
    if (Date.now() >= deadline) return false;
    await sleep(100);
  }
  return true;
}
