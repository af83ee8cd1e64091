import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isAlive, startTimeOf } from './proc.js';
import { sleep } from './sleep.js';

interface Holder {
  readonly pid: number;
  readonly startTime: number;
}

/**
 * Runs fn while holding an exclusive lock file, so two processes (parallel test runs,
 * `cli fetch` beside a test) never download into the same folder at once. A lock whose
 * holder died is taken over.
 */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, timeoutMs = 30 * 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  const me: Holder = { pid: process.pid, startTime: startTimeOf(process.pid) ?? 0 };
  for (;;) {
    try {
      writeFileSync(path, JSON.stringify(me), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (isStale(path)) {
      rmSync(path, { force: true });
      continue;
    }
    if (Date.now() >= deadline) {
      throw new Error(`timed out waiting for lock ${path} (held by pid ${holderOf(path)?.pid})`);
    }
    await sleep(500);
  }
  try {
    return await fn();
  } finally {
    if (holderOf(path)?.pid === me.pid) rmSync(path, { force: true });
  }
}

function holderOf(path: string): Holder | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Holder;
  } catch {
    return undefined;
  }
}

function isStale(path: string): boolean {
  const holder = holderOf(path);
  if (holder !== undefined) {
    // A different start time means the pid now belongs to an unrelated process.
    return !isAlive(holder.pid) || startTimeOf(holder.pid) !== holder.startTime;
  }
  // Unreadable: being written right now, or left by a crash between open and write.
  try {
    return Date.now() - statSync(path).mtimeMs > 10_000;
  } catch {
    return false;
  }
}
