// One run of a workload command: plain (spawn, as the forwarder runs a job without the syscall
// sensor), traced (startTracedCommand, strace -f --seccomp-bpf) or sampled (plain spawn with the
// /proc sampler at its interval, the forwarder's fallback). Wall time, and CPU split into the
// command tree's (reaped children: /proc/self/stat cutime + cstime) and this process's own
// (process.cpuUsage: trace parsing, the sampler, draining output).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import {
  createExeHasher,
  createProcReader,
  createSampler,
  startTracedCommand,
  type Observation,
  type SensorEvent,
} from '@pipewatch/forwarder';

/** Clock ticks per second of /proc/<pid>/stat; 100 on every Linux build in use (bench/lib/process-cpu.ts assumes the same). */
const TICKS_PER_SECOND = 100;
const TAIL_CHARS = 4000;

/**
 * CPU seconds (user + system) of this process's children that have ended and been waited for,
 * their own reaped children included (cutime + cstime, fields 16 and 17 of /proc/self/stat).
 */
export function reapedChildrenCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND;
}

export type Mode = 'plain' | 'traced' | 'sampled';

export interface CommandSpec {
  command: [string, ...string[]];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export interface RunResult {
  mode: Mode;
  exitCode: number | null;
  signal: string | null;
  /** From just before the spawn until the command tree ended and, traced, every trace line was read. */
  wallS: number;
  /** Traced only: until the command itself exited (its `+++ exited +++` line), before strace and the trace finished. */
  commandWallS?: number;
  /** The command tree's CPU (traced: strace's own included). */
  childCpuS: number;
  /** This process's CPU over the run (traced: parsing the trace; sampled: the /proc walks). */
  selfCpuS: number;
  stdoutTail: string;
  stderrTail: string;
  /** Traced only. */
  trace?: { lines: number; unparsed: number; events: number; byKind: Record<string, number> };
  /** Sampled only. */
  observation?: Observation;
}

function tail(child: ChildProcess): { stdout: () => string; stderr: () => string; closed: Promise<unknown> } {
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out = (out + chunk).slice(-TAIL_CHARS)));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err = (err + chunk).slice(-TAIL_CHARS)));
  const closed = Promise.all([child.stdout ? once(child.stdout, 'close') : undefined, child.stderr ? once(child.stderr, 'close') : undefined]);
  return { stdout: () => out, stderr: () => err, closed };
}

interface Clock {
  began: number;
  cpu: NodeJS.CpuUsage;
  children: number;
}

function startClock(): Clock {
  return { children: reapedChildrenCpuSeconds(), cpu: process.cpuUsage(), began: performance.now() };
}

function readClock(clock: Clock): { wallS: number; childCpuS: number; selfCpuS: number } {
  const wallS = (performance.now() - clock.began) / 1000;
  const self = process.cpuUsage(clock.cpu);
  return { wallS, childCpuS: reapedChildrenCpuSeconds() - clock.children, selfCpuS: (self.user + self.system) / 1e6 };
}

/** Plain spawn, output piped and drained (as the forwarder passes it through); sampled adds the /proc sampler. */
export async function runPlain(spec: CommandSpec, sampling?: { intervalMs: number }): Promise<RunResult> {
  const reader = createProcReader();
  const pageSize = sampling ? await reader.pageSize() : 0;
  const clock = startClock();
  const child = spawn(spec.command[0], spec.command.slice(1), { cwd: spec.cwd, env: spec.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exit = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const output = tail(child);
  await once(child, 'spawn');
  const sampler = sampling
    ? createSampler({ reader, hasher: createExeHasher(), rootPid: child.pid!, intervalMs: sampling.intervalMs, ignoreLoopback: false, pageSize })
    : undefined;
  sampler?.start();
  const [exitCode, signal] = await exit;
  // As run-forward does: the sampler stops once the command has exited.
  const observation = await sampler?.stop();
  await output.closed;
  const measured = readClock(clock);
  return { mode: sampling ? 'sampled' : 'plain', exitCode, signal, ...measured, stdoutTail: output.stdout(), stderrTail: output.stderr(), ...(observation ? { observation } : {}) };
}

/** Under the strace sensor; every event goes to `onEvent` (and is counted by kind). */
export async function runTraced(spec: CommandSpec, onEvent: (event: SensorEvent) => void = () => undefined): Promise<RunResult> {
  const byKind: Record<string, number> = {};
  const clock = startClock();
  const started = await startTracedCommand({
    command: spec.command,
    cwd: spec.cwd,
    env: spec.env,
    stdin: 'ignore',
    onEvent(event) {
      byKind[event.kind] = (byKind[event.kind] ?? 0) + 1;
      onEvent(event);
    },
  });
  if (!started.ok) throw started.error;
  const output = tail(started.child);
  const [exitCode, signal] = await started.exited;
  const commandWallS = (performance.now() - clock.began) / 1000;
  const [stats] = await Promise.all([started.done, started.straceExited, output.closed]);
  const measured = readClock(clock);
  return {
    mode: 'traced',
    exitCode,
    signal,
    ...measured,
    commandWallS,
    stdoutTail: output.stdout(),
    stderrTail: output.stderr(),
    trace: { ...stats, byKind },
  };
}
