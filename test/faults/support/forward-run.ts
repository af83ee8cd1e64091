import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PIPEWATCH_BIN } from '../../helpers/spawn-pipewatch.js';

export interface ForwardResult {
  code: number | null;
  stderr: string;
  ms: number;
}

/**
 * `pipewatch forward` as a CI job runs it: a real child process around a command
 * that holds ~400 MB for a moment (so the run's peak memory stands out against a
 * baseline of ~20 MB even past the 64 MB noise floor of the memory series).
 */
export async function forwardRun(collectorUrl: string, pipeline: string, run: string, spoolDir: string): Promise<ForwardResult> {
  const started = Date.now();
  const child = spawn(
    process.execPath,
    [
      PIPEWATCH_BIN, 'forward', '--collector', collectorUrl, '--pipeline', pipeline, '--run', run, '--spool-dir', spoolDir,
      '--retries', '1', '--timeout-ms', '4000', '--flush-timeout-ms', '15000', '--no-status', '--',
      process.execPath, '-e', 'const held = Buffer.alloc(400 * 1024 * 1024, 1); setTimeout(() => process.exit(held.length > 0 ? 3 : 1), 1000);',
    ],
    { env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const stderr: Buffer[] = [];
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stderr: Buffer.concat(stderr).toString('utf8'), ms: Date.now() - started };
}

/** Run events waiting in a forwarder spool. */
export async function spooledRunEvents(spoolDir: string): Promise<string[]> {
  const text = await readFile(join(spoolDir, 'spool.ndjson'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { kind: string; body: { event_id?: string } })
    .filter((record) => record.kind === 'event')
    .map((record) => record.body.event_id ?? '');
}
