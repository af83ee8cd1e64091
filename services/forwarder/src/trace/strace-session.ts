/**
 * Runs the job's command under strace and turns the trace into sensor events as it is written.
 *
 * The trace travels through a FIFO in a private temp dir, not an inherited pipe: strace opens
 * its `-o` file close-on-exec, so the traced command never holds the write end (it could not
 * inject lines, and a daemon it leaves behind cannot keep the stream open). The forwarder holds
 * a spare write end until strace exits, so the read side sees EOF exactly when strace has
 * exited and every line it wrote has been read: nothing is lost at exit, and no read blocks
 * when strace fails before opening the FIFO.
 */
import { spawn, spawnSync, type ChildProcess, type StdioNull, type StdioPipe } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, closeSync, constants, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { SensorEvent } from './sensor-events.js';
import { straceCommand } from './strace-command.js';
import { createTraceModel, type TraceStats } from './trace-model.js';

export interface TracedCommandOptions {
  command: readonly [string, ...string[]];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  stdin: 'inherit' | 'ignore';
  /** Called for each event, synchronously, as soon as its line is read. */
  onEvent?: (event: SensorEvent) => void;
  /** Ports treated as DNS (default [53]). */
  dnsPorts?: readonly number[];
  /** strace's `-s`. */
  stringLimit?: number;
  strace?: string;
  now?: () => number;
}

/** Far above the longest real line (a sendmmsg of many -s sized buffers, 4 characters per byte). */
const MAX_LINE_CHARS = 32 * 1024 * 1024;

export type TracedCommand =
  | {
      ok: true;
      /** The strace process; its stdout/stderr are the command's (strace's own rare diagnostics land on stderr too). */
      child: ChildProcess;
      /**
       * The command's exit code or fatal signal, as soon as the command itself ended (from its
       * `+++ exited/killed +++` line), like an untraced child: strace itself only exits once every
       * traced process has, so a daemon left by `cmd &` would otherwise hold this. If the trace
       * never shows the command's end, strace's own status (it exits with the command's and
       * re-raises its fatal signal).
       */
      exited: Promise<[number | null, NodeJS.Signals | null]>;
      /** strace's own exit: every traced process has ended (or strace was stopped). */
      straceExited: Promise<[number | null, NodeJS.Signals | null]>;
      /** Resolves once the whole trace was read and turned into events. */
      done: Promise<TraceStats>;
      /** The traced command's own pid, once its first line arrived (undefined if it never ran). */
      rootPid: Promise<number | undefined>;
      /** Signals every live traced process, then strace itself. */
      killTree(signal: NodeJS.Signals): void;
    }
  | { ok: false; error: NodeJS.ErrnoException };

function errnoError(code: 'ENOENT' | 'EACCES', file: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`spawn ${file} ${code}`);
  error.code = code;
  error.errno = code === 'ENOENT' ? -2 : -13;
  error.syscall = `spawn ${file}`;
  error.path = file;
  return error;
}

/**
 * What execvp would find for `file`: a start failure must read as ENOENT / EACCES (127 / 126)
 * as it does untraced, while strace itself would only print a message and exit 1.
 */
export function findExecutable(file: string, env: NodeJS.ProcessEnv, cwd: string): { ok: true; path: string } | { ok: false; error: NodeJS.ErrnoException } {
  const candidates = file.includes('/') ? [file] : (env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(delimiter).map((dir) => join(dir || '.', file));
  let denied = false;
  for (const candidate of candidates) {
    const path = candidate.startsWith('/') ? candidate : join(cwd, candidate);
    try {
      if (!statSync(path).isFile()) {
        denied = true;
        continue;
      }
      accessSync(path, constants.X_OK);
      return { ok: true, path };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EACCES') denied = true;
    }
  }
  return { ok: false, error: errnoError(denied ? 'EACCES' : 'ENOENT', file) };
}

/** Starts `command` under strace; like spawnCommand, resolves once it runs or with why it could not start. */
export async function startTracedCommand(options: TracedCommandOptions): Promise<TracedCommand> {
  const cwd = options.cwd ?? process.cwd();
  const found = findExecutable(options.command[0], options.env, cwd);
  if (!found.ok) return found;

  let dir: string;
  const fifo = () => join(dir, 'trace');
  let readFd = -1;
  let keepAliveFd = -1;
  try {
    dir = mkdtempSync(join(tmpdir(), 'pipewatch-trace-'));
    const made = spawnSync('mkfifo', ['-m', '600', fifo()], { stdio: 'ignore' });
    if (made.status !== 0) throw made.error ?? new Error('mkfifo failed');
    // Non-blocking open of the read side cannot wait for a writer; the spare writer then holds EOF off.
    readFd = openSync(fifo(), constants.O_RDONLY | constants.O_NONBLOCK);
    keepAliveFd = openSync(fifo(), constants.O_WRONLY | constants.O_NONBLOCK);
  } catch (error) {
    if (readFd >= 0) closeSync(readFd);
    return { ok: false, error: error as NodeJS.ErrnoException };
  }
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  const closeKeepAlive = () => {
    if (keepAliveFd < 0) return;
    closeSync(keepAliveFd);
    keepAliveFd = -1;
  };

  const [file, ...args] = straceCommand(options.command, { output: fifo(), ...(options.stringLimit ? { stringLimit: options.stringLimit } : {}), ...(options.strace ? { strace: options.strace } : {}) });
  const stdio: [StdioNull | 'inherit', StdioPipe, StdioPipe] = [options.stdin, 'pipe', 'pipe'];
  let child: ChildProcess;
  try {
    child = spawn(file, args, { stdio, env: options.env, cwd });
  } catch (error) {
    closeKeepAlive();
    closeSync(readFd);
    cleanup();
    return { ok: false, error: error as NodeJS.ErrnoException };
  }
  const straceExited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  straceExited.catch(() => undefined);
  let resolveRootExit!: (status: [number | null, NodeJS.Signals | null]) => void;
  const rootExit = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => (resolveRootExit = resolve));
  const exited = Promise.race([rootExit, straceExited]);
  exited.catch(() => undefined);

  const model = createTraceModel({ cwd, ...(options.dnsPorts ? { dnsPorts: options.dnsPorts } : {}), ...(options.now ? { now: options.now } : {}) });
  let resolveRoot!: (pid: number | undefined) => void;
  const rootPid = new Promise<number | undefined>((resolve) => (resolveRoot = resolve));
  const deliver = (events: SensorEvent[]) => {
    if (model.rootPid() !== undefined) resolveRoot(model.rootPid());
    for (const event of events) {
      if (event.kind === 'exit' && event.pid === model.rootPid()) resolveRootExit([event.code ?? null, (event.signal as NodeJS.Signals | undefined) ?? null]);
      options.onEvent?.(event);
    }
  };

  const stream = new Socket({ fd: readFd, readable: true, writable: false });
  stream.setEncoding('latin1'); // -xx leaves only ASCII in the trace
  let pending = '';
  let unlinked = false;
  stream.on('data', (chunk: string) => {
    // The first bytes mean strace has the FIFO open: its name is no longer needed.
    if (!unlinked) {
      unlinked = true;
      cleanup();
    }
    let start = 0;
    for (let newline = chunk.indexOf('\n'); newline >= 0; newline = chunk.indexOf('\n', start)) {
      const line = pending + chunk.slice(start, newline);
      pending = '';
      start = newline + 1;
      deliver(model.feed(line));
    }
    pending += chunk.slice(start);
    // A line this long is no strace line worth keeping (it would only grow the buffer).
    if (pending.length > MAX_LINE_CHARS) pending = '';
  });
  const done = new Promise<TraceStats>((resolve) => {
    const finish = () => {
      if (pending) deliver(model.feed(pending));
      pending = '';
      deliver(model.end());
      resolveRoot(model.rootPid());
      cleanup();
      resolve(model.stats());
    };
    stream.once('end', finish);
    stream.once('error', () => {
      stream.destroy();
      finish();
    });
  });
  // strace has exited: everything it wrote is in the FIFO; dropping the spare writer lets EOF through.
  child.once('exit', closeKeepAlive);
  child.once('error', closeKeepAlive);

  const killTree = (signal: NodeJS.Signals) => {
    // The trace may lag behind the kernel: its descendants in /proc count too, so a
    // process whose first line was not read yet is not missed.
    const pids = new Set([...model.livePids(), ...(child.pid ? descendantsOf(child.pid) : [])]);
    pids.delete(child.pid ?? -1);
    for (const pid of pids) {
      try {
        process.kill(pid, signal);
      } catch {
        // Already gone.
      }
    }
    // strace itself only when nothing is left: on SIGTERM it would detach and let the job go on.
    if (pids.size > 0) return;
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
  };

  try {
    await once(child, 'spawn');
    return { ok: true, child, exited, straceExited, done, rootPid, killTree };
  } catch (error) {
    closeKeepAlive();
    return { ok: false, error: error as NodeJS.ErrnoException };
  }
}

export type StraceProbe = { ok: true; version: string } | { ok: false; reason: string };

const probes = new Map<string, Promise<StraceProbe>>();

/**
 * Whether strace can trace here (installed, new enough for --seccomp-bpf, ptrace permitted),
 * probed once per strace path; the forwarder falls back to /proc sampling when not.
 */
export function straceAvailable(strace = 'strace'): Promise<StraceProbe> {
  let probe = probes.get(strace);
  if (!probe) {
    probe = runProbe(strace);
    probes.set(strace, probe);
  }
  return probe;
}

async function run(file: string, args: string[]): Promise<{ code: number | null; output: string; error?: Error }> {
  return new Promise((resolve) => {
    let output = '';
    let child: ChildProcess;
    try {
      child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
    } catch (error) {
      resolve({ code: null, output, error: error as Error });
      return;
    }
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', (error) => resolve({ code: null, output, error }));
    child.once('close', (code) => resolve({ code, output }));
  });
}

async function runProbe(strace: string): Promise<StraceProbe> {
  const version = await run(strace, ['-V']);
  if (version.error) return { ok: false, reason: `${strace}: ${(version.error as NodeJS.ErrnoException).code ?? version.error.message}` };
  const number = /version\s+(\d+(?:\.\d+)*)/.exec(version.output)?.[1];
  if (!number) return { ok: false, reason: `${strace} -V: unrecognised output` };
  const trial = await run(strace, ['-f', '--seccomp-bpf', '-qq', '-e', 'trace=execve', '-o', '/dev/null', 'true']);
  if (trial.code !== 0) return { ok: false, reason: `strace cannot trace here: ${trial.output.trim().split('\n')[0] ?? `exit ${trial.code}`}` };
  return { ok: true, version: number };
}

/** Every descendant of `root` the kernel knows, from /proc/<pid>/task/<tid>/children (bounded). */
function descendantsOf(root: number): number[] {
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0 && found.length < 10_000) {
    const pid = queue.shift()!;
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const task of tasks) {
      let text = '';
      try {
        text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8');
      } catch {
        continue;
      }
      for (const item of text.split(' ')) {
        const child = Number(item);
        if (Number.isInteger(child) && child > 0) {
          found.push(child);
          queue.push(child);
        }
      }
    }
  }
  return found;
}
