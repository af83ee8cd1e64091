import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Finding, RetryableError, errorMessage, type Logger } from '@pipewatch/shared';
import type { FindingSink } from '../sink-port.js';
import { readJsonLines } from './read-json-lines.js';

export interface NdjsonFileSinkOptions {
  path: string;
  logger: Logger;
  name?: string;
}

/** Every valid finding in an NDJSON findings file, in file order; torn or foreign lines are skipped. */
export async function readFindingsFile(path: string): Promise<Finding[]> {
  const findings: Finding[] = [];
  for await (const value of readJsonLines(path)) {
    const parsed = Finding.safeParse(value);
    if (parsed.success) findings.push(parsed.data);
  }
  return findings;
}

async function readFindingIds(path: string, into: Set<string>): Promise<void> {
  for await (const value of readJsonLines(path)) {
    const id = (value as { finding_id?: unknown } | null)?.finding_id;
    if (typeof id === 'string') into.add(id);
  }
}

/** If the file ends mid-line (a crash during append), end that line so our next line stays parseable. */
async function terminateTornLine(handle: FileHandle): Promise<void> {
  const { size } = await handle.stat();
  if (size === 0) return;
  const last = Buffer.alloc(1);
  await handle.read(last, 0, 1, size - 1);
  if (last[0] !== 0x0a) await handle.appendFile('\n');
}

/**
 * Appends findings to an NDJSON file, one line each, and fsyncs before `write`
 * resolves. Ids already in the file are never written again, across restarts too.
 */
export async function createNdjsonFileSink(options: NdjsonFileSinkOptions): Promise<FindingSink> {
  const { path, logger } = options;
  await mkdir(dirname(path), { recursive: true });
  const handle = await open(path, 'a+');
  const written = new Set<string>();
  // After a failed append or fsync we cannot know what reached the file, so the
  // next write re-reads it first; start-up is the same situation.
  let needsRecovery = true;
  let unsynced = false;
  let closed = false;
  let queue: Promise<unknown> = Promise.resolve();

  async function recover(): Promise<void> {
    written.clear();
    await readFindingIds(path, written);
    await terminateTornLine(handle);
    unsynced = true;
    needsRecovery = false;
  }

  async function append(findings: Finding[]): Promise<void> {
    if (closed) throw new RetryableError('sink_closed', `file sink ${path} is closed`);
    try {
      if (needsRecovery) await recover();
      const fresh = new Map<string, string>();
      for (const finding of findings) {
        if (!written.has(finding.finding_id) && !fresh.has(finding.finding_id)) {
          fresh.set(finding.finding_id, `${JSON.stringify(finding)}\n`);
        }
      }
      if (fresh.size > 0) {
        await handle.appendFile([...fresh.values()].join(''));
        unsynced = true;
      }
      if (unsynced) await handle.sync();
      unsynced = false;
      for (const id of fresh.keys()) written.add(id);
    } catch (error) {
      needsRecovery = true;
      // A full or failing disk is the operator's to fix, not the finding's fault: hold it, never dead-letter it.
      throw new RetryableError('file_write_failed', `could not append to ${path}: ${errorMessage(error)}`, error);
    }
  }

  try {
    await recover();
  } catch (error) {
    await handle.close();
    throw error;
  }
  logger.info('file sink ready', { path, known_findings: written.size });

  return {
    name: options.name ?? 'ndjson-file',
    write(findings) {
      // One append at a time keeps lines whole and the id set in step with the file.
      const result = queue.then(() => append(findings));
      queue = result.catch(() => undefined);
      return result;
    },
    async close() {
      if (closed) return;
      closed = true;
      await queue;
      await handle.close();
    },
  };
}
