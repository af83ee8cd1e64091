import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { PIPEWATCH_BIN, REPO_ROOT } from './repo-paths.js';

export type ServiceRole = 'collector' | 'detector' | 'alerter';

export interface ServiceOptions {
  role: ServiceRole;
  /** The child's whole environment (pass PATH along): nothing is inherited. */
  env: Record<string, string>;
  /** Adds `--cpu-prof` so the child writes a .cpuprofile into this directory when it exits. */
  cpuProfileDir?: string;
  startTimeoutMs?: number;
}

export interface LogCounts {
  warn: number;
  error: number;
  /** The first few warnings and errors, as logged. */
  samples: Record<string, unknown>[];
}

export interface RunningService {
  role: ServiceRole;
  pid: number;
  /** `http://127.0.0.1:<port>` for the collector; '' for the others. */
  url: string;
  logs: LogCounts;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

const KEPT_SAMPLES = 10;

/**
 * Starts `pipewatch <role>` as its own process, so it has its own event loop and
 * the benchmark's load generator never competes with it for one. Resolves once
 * the service logs `<role> started`.
 */
export async function spawnService(options: ServiceOptions): Promise<RunningService> {
  const { role } = options;
  const nodeArgs = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`, `--cpu-prof-name=${role}.cpuprofile`] : [];
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, PIPEWATCH_BIN, role], {
    cwd: REPO_ROOT,
    env: { PORT: '0', PIPEWATCH_LOG_LEVEL: 'info', ...options.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const logs: LogCounts = { warn: 0, error: 0, samples: [] };
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const tail: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`pipewatch ${role} did not start within ${options.startTimeoutMs ?? 60_000} ms: ${tail.join('\n')}`));
    }, options.startTimeoutMs ?? 60_000);
    createInterface({ input: child.stderr! }).on('line', (line) => {
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(line) as Record<string, unknown>;
      } catch {
        record = { level: 'raw', message: line };
      }
      if (tail.length >= 20) tail.shift();
      tail.push(line);
      if (record.level === 'warn' || record.level === 'error') {
        logs[record.level]++;
        if (logs.samples.length < KEPT_SAMPLES) logs.samples.push(record);
      }
      // The CLI reports a failed start on stderr but may linger on open sockets: do not wait for its exit.
      if (record.level === 'raw' && line.startsWith('pipewatch:')) {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new Error(`pipewatch ${role} failed to start: ${tail.join('\n')}`));
      }
      if (record.message === `${role} started`) {
        clearTimeout(timer);
        resolve(typeof record.address === 'string' ? record.address : '');
      }
    });
    void exited.then(([code, signal]) => {
      clearTimeout(timer);
      reject(new Error(`pipewatch ${role} exited (${code ?? signal}) before it started: ${tail.join('\n')}`));
    });
  });
  return {
    role,
    pid: child.pid!,
    url,
    logs,
    async stop(graceMs = 20_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const [code] = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Runs `pipewatch setup` (topics, index template) to completion, as a deployment does before its services start. */
export async function runSetupCommand(env: Record<string, string>, timeoutMs = 120_000): Promise<void> {
  const child = spawn(process.execPath, [PIPEWATCH_BIN, 'setup'], { cwd: REPO_ROOT, env: { PIPEWATCH_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  clearTimeout(timer);
  if (code !== 0) throw new Error(`pipewatch setup ended with ${code ?? signal}: ${stderr}`);
}
