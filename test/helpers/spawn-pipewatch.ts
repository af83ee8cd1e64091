import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const PIPEWATCH_BIN = fileURLToPath(new URL('../../services/cli/bin/pipewatch.js', import.meta.url));

export interface RunningChild {
  child: ChildProcess;
  /** `http://127.0.0.1:<port>` for services that listen; '' for the others. */
  url: string;
  /** Every JSON log line the child wrote to stderr so far. */
  logs: Record<string, unknown>[];
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts `pipewatch <args>` as a real child process and resolves when it logs
 * `pipewatch started` (or the given message) with its address.
 */
export async function spawnPipewatch(
  args: string[],
  env: Record<string, string>,
  readyMessage = 'pipewatch started',
  timeoutMs = 20_000,
): Promise<RunningChild> {
  const child = spawn(process.execPath, [PIPEWATCH_BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', PIPEWATCH_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`pipewatch ${args[0]} did not start in time; logs: ${JSON.stringify(logs)}`)), timeoutMs);
    createInterface({ input: child.stderr! }).on('line', (line) => {
      try {
        const record = JSON.parse(line) as Record<string, unknown>;
        logs.push(record);
        if (record.message === readyMessage) {
          clearTimeout(timer);
          resolve(typeof record.address === 'string' ? record.address : '');
        }
      } catch {
        logs.push({ raw: line });
      }
    });
    void exited.then(([code]) => {
      clearTimeout(timer);
      reject(new Error(`pipewatch exited with ${code} before starting; logs: ${JSON.stringify(logs)}`));
    });
  });
  return {
    child,
    url,
    logs,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      const [code] = await exited;
      return code;
    },
  };
}
