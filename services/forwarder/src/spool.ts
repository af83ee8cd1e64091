import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, open, readFile, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface SpoolRecord {
  kind: 'event' | 'logs';
  body: unknown;
}

export interface ClaimedRecords {
  records: SpoolRecord[];
  /** Deletes the claimed files; call after the records were delivered or re-spooled. */
  release(): Promise<void>;
}

export interface Spool {
  readonly path: string;
  /** Appends; over the size bound, the oldest records go first. Resolves with how many were dropped. */
  append(records: readonly SpoolRecord[]): Promise<{ dropped: number }>;
  /** Takes every spooled record (and those of forwarders that died mid-resend) for resending. */
  claim(): Promise<ClaimedRecords>;
  /** What is spooled now, oldest first (for status and tests). */
  read(): Promise<SpoolRecord[]>;
}

const FILE = 'spool.ndjson';
const CLAIM = /^claimed-(\d+)-[0-9a-f]+\.ndjson$/;
const LOCK_STALE_MS = 10_000;
const LOCK_WAIT_MS = 2_000;

/**
 * A bounded NDJSON file, shared by every forwarder on the machine (parallel jobs on one
 * self-hosted runner). A lock file keeps their appends, trims and claims apart; a lock
 * that cannot be had in 2 s is ignored rather than waited for, since the job must not stall.
 */
export function createSpool(options: { dir: string; maxBytes: number }): Spool {
  const path = join(options.dir, FILE);
  const lockPath = join(options.dir, 'spool.lock');

  async function locked<T>(task: () => Promise<T>): Promise<T> {
    await mkdir(options.dir, { recursive: true });
    const release = await acquireLock(lockPath);
    try {
      return await task();
    } finally {
      await release();
    }
  }

  return {
    path,
    append(records) {
      return locked(async () => {
        let dropped = 0;
        const lines: string[] = [];
        for (const record of records) {
          const line = `${JSON.stringify(record)}\n`;
          if (Buffer.byteLength(line) > options.maxBytes) dropped += 1;
          else lines.push(line);
        }
        if (lines.length > 0) await appendFile(path, lines.join(''));
        const size = await stat(path).then((info) => info.size, () => 0);
        if (size > options.maxBytes) dropped += await trimOldest(path, options.maxBytes);
        return { dropped };
      });
    },
    claim() {
      return locked(async () => {
        const claimed: string[] = [];
        for (const name of await readdir(options.dir)) {
          const match = CLAIM.exec(name);
          if (match && !isAlive(Number(match[1]))) claimed.push(join(options.dir, name));
        }
        const mine = join(options.dir, `claimed-${process.pid}-${randomBytes(4).toString('hex')}.ndjson`);
        if (await rename(path, mine).then(() => true, () => false)) claimed.push(mine);
        const records: SpoolRecord[] = [];
        for (const file of claimed) records.push(...parseRecords(await readFile(file, 'utf8').catch(() => '')));
        return {
          records,
          async release() {
            await Promise.all(claimed.map((file) => unlink(file).catch(() => undefined)));
          },
        };
      });
    },
    async read() {
      return parseRecords(await readFile(path, 'utf8').catch(() => ''));
    },
  };
}

/** Rewrites the file without its oldest lines until it fits; returns how many lines went. */
async function trimOldest(path: string, maxBytes: number): Promise<number> {
  const lines = (await readFile(path, 'utf8')).split('\n').filter((line) => line.length > 0);
  let size = lines.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
  let drop = 0;
  while (size > maxBytes && drop < lines.length) {
    size -= Buffer.byteLength(lines[drop]!) + 1;
    drop += 1;
  }
  const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, lines.slice(drop).map((line) => `${line}\n`).join(''));
  await rename(temp, path);
  return drop;
}

function parseRecords(text: string): SpoolRecord[] {
  const records: SpoolRecord[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const record = JSON.parse(line) as SpoolRecord;
      if ((record.kind === 'event' || record.kind === 'logs') && typeof record.body === 'object') records.push(record);
    } catch {
      // A line torn by a crash mid-write: nothing to resend.
    }
  }
  return records;
}

async function acquireLock(lockPath: string): Promise<() => Promise<void>> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.close();
      return () => unlink(lockPath).catch(() => undefined);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return async () => undefined;
      const age = await stat(lockPath).then((info) => Date.now() - info.mtimeMs, () => 0);
      if (age > LOCK_STALE_MS) await unlink(lockPath).catch(() => undefined);
      else if (Date.now() > deadline) return async () => undefined;
      else await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
