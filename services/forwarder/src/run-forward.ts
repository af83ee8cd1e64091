import { readJobContext, type JobContext } from './context/job-context.js';
import type { ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { describeIssues, RunEvent } from '@pipewatch/shared';
import { buildRunEvent, type RunOutcome } from './build-run-event.js';
import type { DeliveryStats } from './delivery.js';
import type { CiMetadata } from './detect-ci-metadata.js';
import { exitCodeOf, exitCodeOfSpawnError } from './exit-code.js';
import type { ForwarderSettings } from './forwarder-settings.js';
import { createLineSplitter, type LineSplitter } from './line-splitter.js';
import { passThrough } from './pass-through.js';
import { createExeHasher, type ExeHasher } from './proc/exe-hasher.js';
import { createProcReader, type ProcReader } from './proc/proc-reader.js';
import { createSampler, type Observation } from './sampler.js';
import { createShipping, type Shipping } from './shipping.js';
import { buildPartialEvent } from './sensor/partial-event.js';
import { dnsLookupsVisible } from './sensor/dns-visibility.js';
import { createSensorRun, type SensorRun } from './sensor/sensor-run.js';
import { spawnCommand, type StartedCommand } from './spawn-command.js';
import { startTracedCommand, straceAvailable } from './trace/strace-session.js';
import { loadTrackedFiles } from './workspace/tracked-files.js';
import { createStatusLine, type StatusLine, type StatusStream } from './status-line.js';

export interface ForwardRequest {
  /** The command and its arguments; empty: forward standard input instead. */
  command: readonly string[];
  /** Undefined: run the command with pass-through only (bad config must not break the job). */
  settings?: ForwarderSettings;
  /** Undefined: no CI detected and no flags; nothing is shipped. */
  metadata?: CiMetadata;
}

export interface ForwardIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  /** The command's stdin: the forwarder's own (default) or none. */
  childStdin?: 'inherit' | 'ignore';
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** Where the status line goes; drawn only when it is a TTY. */
  status?: StatusStream;
  /** One human sentence for the job log; called only when something went wrong. */
  notice(message: string): void;
  /** Lets the composition root pass SIGINT/SIGTERM on to the command; returns an unsubscribe. */
  onSignal?: (forward: (signal: NodeJS.Signals) => void) => () => void;
  proc?: ProcReader;
  now?: () => Date;
}

export interface ForwardResult {
  exitCode: number;
  signal?: NodeJS.Signals;
  event?: RunEvent;
  observation?: Observation;
  delivery?: DeliveryStats;
}

/** After the command exits, how long to wait for a background process still holding its stdout. */
const CLOSE_GRACE_MS = 2000;
/** After SIGTERM on a blocking finding, how long the command gets before SIGKILL. */
/** Longest the lockfile, action-directory and event-file reads may hold the job's end. */
const CONTEXT_WAIT_MS = 10_000;
const KILL_GRACE_MS = 5000;
/** With --fail-on: how long the collector may take to answer with findings, and how often to ask when nothing new happens. */
const FAIL_ON_WAIT_MS = 1500;
const FAIL_ON_POLL_MS = 1000;

const SEVERITY_RANK: Record<string, number> = { low: 1, medium: 2, high: 3, critical: 4 };

interface BlockingFinding {
  severity: string;
  rule: string;
  summary: string;
}

/** Set once the command runs: stops it on a finding at or above --fail-on. */
interface Blocker {
  block?: (finding: BlockingFinding) => void;
}

/** Hashing a large binary must not hold the job for long. */
const HASH_WAIT_MS = 5000;

/**
 * `pipewatch forward`: runs the command (or reads stdin), passes its output through
 * unchanged, ships it, samples the process tree, posts the run event, and answers the
 * command's exit code. Nothing the forwarder itself meets changes that code.
 */
export async function runForward(request: ForwardRequest, io: ForwardIo): Promise<ForwardResult> {
  const now = io.now ?? (() => new Date());
  const shipping = startShipping(request, io, now);
  const status = createStatusLine(io.status);
  const statusTimer = shipping ? setInterval(() => status.update(shipping.stats()), 250).unref() : undefined;
  const lines = (stream: 'stdout' | 'stderr'): LineSplitter => shipping?.lines(stream) ?? createLineSplitter(() => undefined);
  try {
    if (request.command.length === 0) {
      await forwardStream(io.stdin, io.stdout, lines('stdout'), status);
      await shipping?.finish();
      return { exitCode: 0, ...(shipping ? { delivery: shipping.stats() } : {}) };
    }
    const result = await runCommand(request, io, shipping, status, lines, now);
    await shipping?.finish();
    return { ...result, ...(shipping ? { delivery: shipping.stats() } : {}) };
  } finally {
    if (statusTimer) clearInterval(statusTimer);
    status.close();
    if (shipping) reportTrouble(shipping, io.notice);
  }
}

function startShipping(request: ForwardRequest, io: ForwardIo, now: () => Date): Shipping | undefined {
  if (!request.settings) return undefined;
  if (!request.metadata) {
    io.notice('no CI detected (GitHub Actions, GitLab CI, Jenkins) and not both --pipeline and --run given: running without shipping');
    return undefined;
  }
  try {
    return createShipping(request.settings, request.metadata, now);
  } catch (error) {
    io.notice(`cannot ship (${error instanceof Error ? error.message : String(error)}): running without shipping`);
    return undefined;
  }
}

async function forwardStream(source: Readable, target: Writable, splitter: LineSplitter, status: StatusLine): Promise<void> {
  await passThrough(source, target, (chunk) => {
    status.afterOutput(chunk);
    splitter.write(chunk);
  }, () => status.beforeOutput());
  splitter.end();
}

async function runCommand(
  request: ForwardRequest,
  io: ForwardIo,
  shipping: Shipping | undefined,
  status: StatusLine,
  lines: (stream: 'stdout' | 'stderr') => LineSplitter,
  now: () => Date,
): Promise<Omit<ForwardResult, 'delivery'>> {
  const command = request.command as [string, ...string[]];
  const proc = io.proc ?? createProcReader();
  const pageSize = await proc.pageSize();
  const reapedBefore = await reapedChildTicks(proc);
  const hasher = createExeHasher();
  const blocker: Blocker = {};
  const sensor = await prepareSensor(request, io, shipping, hasher, now, blocker);
  // Without the sensor's per-destination bytes, the interfaces' counters stand in, only where the
  // machine runs this job alone (a GitHub-hosted runner, or PIPEWATCH_NET_DEV=1 said so).
  const netBefore = !sensor && singleJobMachine(io.env) ? await proc.netDev() : undefined;
  const startedAt = now();
  const spawnOptions = { env: commandEnv(io.env), stdin: io.childStdin ?? 'inherit', ...(io.cwd ? { cwd: io.cwd } : {}) } as const;
  const started: StartedCommand = sensor
    ? await startTracedCommand({ command, ...spawnOptions, dnsPorts: request.settings!.dnsPorts, onEvent: (event) => sensor.add(event) })
    : await spawnCommand(command, spawnOptions);
  if (!started.ok) {
    io.notice(`cannot run ${command[0]}: ${started.error.code ?? started.error.message}`);
    return { exitCode: exitCodeOfSpawnError(started.error) };
  }
  const { child, exited } = started;
  const traceDone = 'done' in started ? (started as { done: Promise<unknown> }).done : undefined;
  const sampler = createSampler({
    reader: proc,
    hasher,
    rootPid: child.pid!,
    intervalMs: request.settings?.sampleIntervalMs ?? 250,
    ignoreLoopback: request.settings?.ignoreLoopback ?? false,
    pageSize,
  });
  sampler.start();
  let cancelled = false;
  // Under strace, the tracer passes nothing on: every traced process gets the signal itself.
  const kill = 'killTree' in started ? (signal: NodeJS.Signals) => (started as { killTree(signal: NodeJS.Signals): void }).killTree(signal) : (signal: NodeJS.Signals) => child.kill(signal);
  let blocked = false;
  blocker.block = (finding) => {
    if (blocked) return;
    blocked = true;
    // Always printed, --quiet or not: the job log must say why the job stopped.
    io.stderr.write(`pipewatch: stopping the job on a ${finding.severity} finding, ${finding.rule}: ${finding.summary}\n`);
    kill('SIGTERM');
    setTimeout(() => kill('SIGKILL'), KILL_GRACE_MS).unref();
  };
  const unsubscribe = io.onSignal?.((signal) => {
    cancelled = true;
    kill(signal);
  });
  const output = Promise.all([
    forwardStream(child.stdout!, io.stdout, lines('stdout'), status),
    forwardStream(child.stderr!, io.stderr, lines('stderr'), status),
  ]);
  const [code, signal] = await exited;
  unsubscribe?.();
  const finishedAt = now();
  const observation = await sampler.stop();
  await settleOutput(child, output);
  if (traceDone) await withinMs(traceDone.then(() => true), CLOSE_GRACE_MS, false);
  const sensed = sensor ? await sensor.finish() : undefined;
  const netAfter = netBefore ? await proc.netDev() : undefined;
  const workspace = io.env.GITHUB_WORKSPACE ?? io.env.CI_PROJECT_DIR ?? io.env.WORKSPACE ?? io.cwd ?? process.cwd();
  const context = shipping && request.metadata ? await withinMs(readJobContext(io.env, workspace).catch(() => undefined), CONTEXT_WAIT_MS, undefined) : undefined;
  const network = netBefore && netAfter ? { tx: Math.max(0, netAfter.tx - netBefore.tx), rx: Math.max(0, netAfter.rx - netBefore.rx) } : undefined;
  blocker.block = undefined;
  const commandCode = exitCodeOf(code, signal);
  // A job stopped on a finding fails, even if the command shrugged off the signal.
  const exitCode = blocked && commandCode === 0 ? 1 : commandCode;
  const outcome: RunOutcome = { exitCode, ...(signal ? { signal } : {}), cancelled, startedAt, finishedAt, cpuTicks: observation.cpuTicks, command: command[0] };
  const event = shipping && request.metadata ? await postRunEvent(request, shipping, { hasher, observation, proc, outcome, reapedBefore, ...(sensed ? { sensed } : {}), ...(network ? { network } : {}), ...(context ? { context } : {}) }, io.notice) : undefined;
  return { exitCode, ...(signal ? { signal } : {}), ...(event ? { event } : {}), observation };
}

/**
 * The syscall sensor for this run, or undefined for /proc sampling alone (`--sensor proc`,
 * or strace missing / not permitted here: said once in the job log when it was asked for).
 * What it sees first is streamed as partial observations while the job runs.
 */
async function prepareSensor(request: ForwardRequest, io: ForwardIo, shipping: Shipping | undefined, hasher: ExeHasher, now: () => Date, blocker: Blocker): Promise<SensorRun | undefined> {
  const mode = request.settings?.sensor ?? 'auto';
  if (mode === 'proc' || !request.settings) return undefined;
  const cwd = io.cwd ?? process.cwd();
  // Side by side: each of these holds the job's start.
  const [probe, tracked, dnsVisible] = await Promise.all([straceAvailable(), loadTrackedFiles(cwd).catch(() => undefined), dnsLookupsVisible()]);
  if (!probe.ok) {
    if (mode === 'strace') io.notice(`strace sensor unavailable (${probe.reason}): sampling /proc only`);
    return undefined;
  }
  const metadata = request.metadata;
  let sequence = 0;
  const failOn = request.settings.failOn;
  let lastSent = 0;
  const send = (access: Parameters<typeof buildPartialEvent>[0]['access']): void => {
    if (!shipping || !metadata) return;
    sequence += 1;
    lastSent = Date.now();
    const event = buildPartialEvent({ eventId: shipping.eventId, sequence, metadata, access, at: now(), backend: 'strace', ...(request.settings?.step ? { step: request.settings.step } : {}) });
    void shipping.sendPartial(event, failOn ? FAIL_ON_WAIT_MS : undefined).then((findings) => {
      const worst = failOn ? blockingFinding(findings, failOn) : undefined;
      if (worst) blocker.block?.(worst);
    });
  };
  // Log findings come from the log path, not from a partial: ask again when nothing new was sent.
  const poll = failOn && shipping && metadata
    ? setInterval(() => {
        if (Date.now() - lastSent >= FAIL_ON_POLL_MS) send({ processes: [], egress: [], files_written: [], memory_reads: [], source_writes: [] });
      }, FAIL_ON_POLL_MS).unref()
    : undefined;
  const run = createSensorRun({
    dnsVisible,
    dnsPorts: request.settings.dnsPorts,
    ignoreLoopback: request.settings.ignoreLoopback,
    workspace: io.env.GITHUB_WORKSPACE ?? io.env.CI_PROJECT_DIR ?? io.env.WORKSPACE ?? cwd,
    ...(request.settings.token ? { knownSecrets: [request.settings.token] } : {}),
    ...(tracked ? { tracked } : {}),
    ...(shipping && metadata ? { onPartial: send } : {}),
  });
  return {
    add(event) {
      if (event.kind === 'exec' && event.ok) {
        hasher.hash(event.exe, [`/proc/${event.pid}/exe`, event.exe]);
        if (event.script) hasher.hash(event.script, [event.script]);
      }
      run.add(event);
    },
    finish: () => {
      if (poll) clearInterval(poll);
      return run.finish();
    },
  };
}

/** The most severe finding at or above `failOn` in a collector's answer, if any. */
function blockingFinding(findings: unknown[] | undefined, failOn: string): BlockingFinding | undefined {
  let worst: BlockingFinding | undefined;
  for (const item of findings ?? []) {
    const finding = item as { severity?: unknown; rule?: { id?: unknown }; summary?: unknown };
    const rank = SEVERITY_RANK[String(finding.severity)] ?? 0;
    if (rank < SEVERITY_RANK[failOn]! || (worst && rank <= SEVERITY_RANK[worst.severity]!)) continue;
    worst = { severity: String(finding.severity), rule: String(finding.rule?.id ?? 'unknown'), summary: String(finding.summary ?? '').slice(0, 500) };
  }
  return worst;
}

/** The command's environment: the forwarder's, less the ingest token (a malicious build step would use it). */
function commandEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  delete copy.PIPEWATCH_TOKEN;
  return copy;
}

interface Observed {
  hasher: ExeHasher;
  observation: Observation;
  proc: ProcReader;
  outcome: RunOutcome;
  reapedBefore: number;
  sensed?: Awaited<ReturnType<SensorRun['finish']>>;
  network?: { tx: number; rx: number };
  context?: JobContext;
}

/** Builds, checks and queues the run event; a failure here is told, never thrown. */
async function postRunEvent(request: ForwardRequest, shipping: Shipping, observed: Observed, notice: (message: string) => void): Promise<RunEvent | undefined> {
  try {
    const event = await describeRun(request.metadata!, shipping, observed, request.settings?.step);
    const valid = RunEvent.safeParse(event);
    if (!valid.success) {
      notice(`run event not sent, it breaks the contract: ${JSON.stringify(describeIssues(valid.error))}`);
      return event;
    }
    shipping.sendEvent(valid.data);
    return valid.data;
  } catch (error) {
    notice(`run event not sent: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

async function describeRun(metadata: CiMetadata, shipping: Shipping, observed: Observed, step: string | undefined): Promise<RunEvent> {
  const hashes = await withinMs(observed.hasher.results(), HASH_WAIT_MS, new Map<string, string | undefined>());
  const reapedTicks = (await reapedChildTicks(observed.proc)) - observed.reapedBefore;
  const event = buildRunEvent({
    eventId: shipping.eventId,
    metadata,
    observation: observed.observation,
    hashes,
    step,
    ...(observed.sensed ? { sensed: observed.sensed } : {}),
    ...(observed.network ? { network: observed.network } : {}),
    outcome: { ...observed.outcome, cpuTicks: Math.max(observed.outcome.cpuTicks, reapedTicks) },
  });
  return observed.context ? withJobContext(event, observed.context) : event;
}

/**
 * CPU the kernel charged to the forwarder for children it has reaped (cutime + cstime of
 * /proc/self): exact for the command and every descendant that was waited for, including
 * the ones that lived and died between two samples.
 */
async function reapedChildTicks(proc: ProcReader): Promise<number> {
  const self = await proc.stat('self');
  return self ? self.cutime + self.cstime : 0;
}

/** A background process may keep the pipes open after the command exited: wait a little, then let go. */
async function settleOutput(child: ChildProcess, output: Promise<unknown>): Promise<void> {
  const closed = await withinMs(output.then(() => true), CLOSE_GRACE_MS, false);
  if (!closed) {
    child.stdout?.destroy();
    child.stderr?.destroy();
  }
}

function withinMs<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(fallback), ms);
    timer.unref();
    void promise.then((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

function reportTrouble(shipping: Shipping, notice: (message: string) => void): void {
  const stats = shipping.stats();
  if (stats.spooled > 0 && stats.state !== 'up') {
    notice(`collector unreachable (${stats.lastError ?? 'unknown error'}); ${stats.spooled} records spooled to ${shipping.spoolPath}, resent by the next run`);
  }
  if (stats.spoolDropped > 0) notice(`spool full: dropped the ${stats.spoolDropped} oldest records`);
  if (stats.logsUnsupported) notice('the collector has no /v1/logs (404): logs were not shipped');
  else if (stats.dropped > 0) notice(`the collector refused ${stats.dropped} records (${stats.lastError ?? 'unknown error'})`);
}

/** A machine that runs one job at a time, so its interface counters are the job's traffic. */
function singleJobMachine(env: Record<string, string | undefined> | undefined): boolean {
  return env?.RUNNER_ENVIRONMENT === 'github-hosted' || env?.PIPEWATCH_NET_DEV === '1';
}

/** The workspace and runner facts on the final event; CI variables the metadata already set win. */
function withJobContext(event: RunEvent, context: JobContext): RunEvent {
  const runner = { ...context.runner, ...defined(event.runner ?? {}) };
  return {
    ...event,
    run: { ...context.run, ...defined(event.run), id: event.run.id },
    ...(Object.keys(runner).length > 0 ? { runner } : {}),
    ...(context.secrets.length > 0 ? { access: { ...(event.access ?? {}), secrets: context.secrets } } : {}),
    ...(context.dependencies.length > 0 ? { dependencies: context.dependencies } : {}),
    attributes: { ...context.attributes, ...(event.attributes ?? {}) },
  };
}

/** Keys whose value is set: a CI variable that said nothing must not erase what the context found. */
function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as Partial<T>;
}
