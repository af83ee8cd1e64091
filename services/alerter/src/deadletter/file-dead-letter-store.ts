import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { RetryableError, errorMessage } from '@pipewatch/shared';
import { readJsonLines } from '../sinks/read-json-lines.js';
import { DeadLetterRecord, foldDeadLetters, type DeadLetterStore } from './dead-letter-store.js';

/** Appends one line and fsyncs; O_APPEND keeps two processes' lines whole. */
async function appendLine(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const handle = await open(path, 'a');
  try {
    await handle.appendFile(`${JSON.stringify(value)}\n`);
    await handle.sync();
  } catch (error) {
    throw new RetryableError('deadletter_write_failed', `could not append to ${path}: ${errorMessage(error)}`, error);
  } finally {
    await handle.close();
  }
}

/** The embedded dead-letter store: `$PIPEWATCH_DATA_DIR/notifications.deadletter.ndjson`. */
export function createFileDeadLetterStore(options: { path: string; now?: () => Date }): DeadLetterStore {
  const now = options.now ?? (() => new Date());
  return {
    put: (record) => appendLine(options.path, DeadLetterRecord.parse(record)),
    async outstanding() {
      const values: unknown[] = [];
      for await (const value of readJsonLines(options.path)) values.push(value);
      return foldDeadLetters(values);
    },
    markRedelivered: (recordId) => appendLine(options.path, { redelivered: recordId, at: now().toISOString() }),
  };
}
