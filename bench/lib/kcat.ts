import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { processCpuSeconds } from './process-cpu.js';

function kcatVersion(): string | undefined {
  const probe = spawnSync('kcat', ['-V'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return undefined;
  return probe.stdout.split('\n').find((line) => line.startsWith('Version'))?.trim() ?? 'unknown';
}

/** kcat (librdkafka) is the producer limit the collector is compared with; Debian packages it. */
export function ensureKcat(log: (line: string) => void): string {
  const present = kcatVersion();
  if (present) return present;
  if (process.getuid?.() !== 0) throw new Error('kcat is not on PATH and we are not root: install it with `apt-get install -y kcat`');
  log('kcat not found: apt-get install -y kcat');
  const install = (): boolean => spawnSync('apt-get', ['install', '-y', 'kcat'], { stdio: 'ignore' }).status === 0;
  if (!install()) {
    log('apt-get install failed; running apt-get update first');
    spawnSync('apt-get', ['update'], { stdio: 'ignore' });
    if (!install()) throw new Error('apt-get install -y kcat failed');
  }
  const version = kcatVersion();
  if (!version) throw new Error('kcat was installed but does not run');
  return version;
}

export interface KcatRun {
  ms: number;
  /** kcat's own CPU seconds, read from /proc every 20 ms while it runs (the last few ms are missed). */
  cpuS: number | undefined;
  exitCode: number | null;
  stderr: string;
}

/**
 * Produces every `key<TAB>value` line of `file` as one message, with the
 * collector's delivery guarantees (acks=all, idempotence), and times it from
 * spawn to exit: process start and metadata included, as kcat pays them too.
 */
export async function produceWithKcat(brokers: string, topic: string, file: string, timeoutMs = 300_000): Promise<KcatRun> {
  const began = performance.now();
  const child = spawn('kcat', ['-P', '-b', brokers, '-t', topic, '-K', '\t', '-l', '-X', 'enable.idempotence=true', '-X', 'acks=all', file], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  let cpuS: number | undefined;
  const meter = setInterval(() => (cpuS = processCpuSeconds(child.pid!) ?? cpuS), 20);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearInterval(meter);
  clearTimeout(timer);
  return { ms: performance.now() - began, cpuS, exitCode: code, stderr };
}
