import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Finding, RetryableError, errorMessage } from '@pipewatch/shared';
import { writeFileAtomic } from '../fs/write-file-atomic.js';
import { readJsonLines } from '../sinks/read-json-lines.js';
import { ledgerKey, type NotificationEntry, type NotificationLedger, type NotificationState } from './notification-ledger.js';

/** One journal line: the latest line for a key is its state. */
interface JournalLine {
  key: string;
  destination: string;
  finding_id: string;
  state: NotificationState;
  at: string;
  /** Only while pending: what to send after a restart. */
  finding?: Finding;
  suppression_id?: string;
}

interface Known {
  line: JournalLine;
}

export interface FileLedgerOptions {
  path: string;
  /** Settled entries older than this are dropped when the journal is compacted at start; default 90 days. */
  retainSettledMs?: number;
  now?: () => Date;
}

function parseLine(value: unknown): JournalLine | undefined {
  const line = value as Partial<JournalLine> | null;
  if (!line || typeof line.key !== 'string' || typeof line.destination !== 'string' || typeof line.state !== 'string') return undefined;
  if (line.state === 'pending') {
    const finding = Finding.safeParse(line.finding);
    if (!finding.success) return undefined;
    return { ...(line as JournalLine), finding: finding.data };
  }
  return line as JournalLine;
}

/**
 * The embedded ledger: an append-only NDJSON journal
 * (`$PIPEWATCH_DATA_DIR/notifications.ndjson`), fsynced before every call resolves,
 * rewritten compactly at start. One process owns it, so there are no leases:
 * everything pending at start was left by a previous run and is taken over.
 */
export async function createFileNotificationLedger(options: FileLedgerOptions): Promise<NotificationLedger & { size(): number }> {
  const { path } = options;
  const now = options.now ?? (() => new Date());
  const retainMs = options.retainSettledMs ?? 90 * 86_400_000;
  await mkdir(dirname(path), { recursive: true });

  const known = new Map<string, Known>();
  let lines = 0;
  for await (const value of readJsonLines(path)) {
    const line = parseLine(value);
    if (!line) continue;
    lines++;
    known.set(line.key, { line });
  }
  // Compact: one line per live key, settled ones past retention dropped. A torn
  // last line (a crash mid-append) disappears here too.
  const cutoff = now().getTime() - retainMs;
  for (const [key, { line }] of known) {
    if (line.state !== 'pending' && Date.parse(line.at) < cutoff) known.delete(key);
  }
  if (lines !== known.size) {
    await writeFileAtomic(path, [...known.values()].map(({ line }) => `${JSON.stringify(line)}\n`).join(''));
  }
  const handle: FileHandle = await open(path, 'a');
  let queue: Promise<unknown> = Promise.resolve();
  let tookOver = false;
  let closed = false;

  /** Appends and fsyncs, one call at a time, so the journal and the map stay in step. */
  function append(batch: JournalLine[]): Promise<void> {
    const run = queue.then(async () => {
      if (closed) throw new RetryableError('ledger_closed', 'the notification ledger is closed');
      if (batch.length === 0) return;
      try {
        await handle.appendFile(batch.map((line) => `${JSON.stringify(line)}\n`).join(''));
        await handle.sync();
      } catch (error) {
        throw new RetryableError('ledger_write_failed', `could not append to ${path}: ${errorMessage(error)}`, error);
      }
      for (const line of batch) known.set(line.key, { line });
    });
    queue = run.catch(() => undefined);
    return run;
  }

  return {
    async claim(entries, state, note) {
      const at = now().toISOString();
      const fresh = new Map<string, JournalLine>();
      const claimed: NotificationEntry[] = [];
      for (const entry of entries) {
        const { destination, finding } = entry;
        const key = ledgerKey(destination, finding.finding_id);
        if (known.has(key) || fresh.has(key)) continue;
        claimed.push(entry);
        fresh.set(key, {
          key,
          destination,
          finding_id: finding.finding_id,
          state,
          at,
          ...(state === 'pending' ? { finding } : {}),
          ...(note?.suppression_id ? { suppression_id: note.suppression_id } : {}),
        });
      }
      await append([...fresh.values()]);
      return claimed;
    },
    async takeOver() {
      if (tookOver) return [];
      tookOver = true;
      return [...known.values()].flatMap(({ line }) => (line.state === 'pending' && line.finding ? [{ destination: line.destination, finding: line.finding }] : []));
    },
    async renew() {},
    async settle(keys, state) {
      const at = now().toISOString();
      const batch: JournalLine[] = keys.map(({ destination, finding_id }) => ({ key: ledgerKey(destination, finding_id), destination, finding_id, state, at }));
      await append(batch);
    },
    size: () => known.size,
    async close() {
      if (closed) return;
      closed = true;
      await queue;
      await handle.close();
    },
  };
}
