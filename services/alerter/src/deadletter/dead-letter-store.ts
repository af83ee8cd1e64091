import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { Finding } from '@pipewatch/shared';

/** A notification that used up its retry budget (or was refused for good). */
export const DeadLetterRecord = z.strictObject({
  record_id: z.string().min(1),
  destination: z.string().min(1),
  notification_id: z.string().min(1),
  findings: z.array(Finding).min(1),
  failed_at: z.iso.datetime({ offset: true }),
  attempts: z.number().int().nonnegative(),
  error: z.strictObject({ code: z.string(), message: z.string() }),
});
export type DeadLetterRecord = z.infer<typeof DeadLetterRecord>;

/** Records are followed, once resent, by a marker with the same record id. */
export const RedeliveredMarker = z.strictObject({
  redelivered: z.string().min(1),
  at: z.iso.datetime({ offset: true }),
});

export function newDeadLetterId(): string {
  return `dl-${randomBytes(8).toString('hex')}`;
}

/**
 * Where dead notifications wait for `pipewatch redeliver`. Append-only in both
 * adapters (a file, a Kafka topic): a resent record is not deleted but followed by
 * a `redelivered` marker, so the running alerter appending new records and the
 * CLI marking old ones never race over a rewrite.
 */
export interface DeadLetterStore {
  put(record: DeadLetterRecord): Promise<void>;
  /** Records without a marker yet, oldest first. */
  outstanding(): Promise<DeadLetterRecord[]>;
  markRedelivered(recordId: string): Promise<void>;
  close?(): Promise<void>;
}

/** Folds records and markers (in log order) into what is still outstanding. */
export function foldDeadLetters(values: Iterable<unknown>): DeadLetterRecord[] {
  const open = new Map<string, DeadLetterRecord>();
  for (const value of values) {
    const marker = RedeliveredMarker.safeParse(value);
    if (marker.success) {
      open.delete(marker.data.redelivered);
      continue;
    }
    const record = DeadLetterRecord.safeParse(value);
    if (record.success) open.set(record.data.record_id, record.data);
  }
  return [...open.values()];
}
