import { errorMessage, withRetry, type Logger } from '@pipewatch/shared';
import type { DeadLetterRecord, DeadLetterStore } from '../deadletter/dead-letter-store.js';
import type { Destination } from './destination.js';
import { makeNotification } from './notification.js';
import { sendNotificationOnce, type SendSettings } from './send-notification.js';

export interface RedeliverOptions {
  store: DeadLetterStore;
  destinations: Destination[];
  send: SendSettings;
  logger: Logger;
  /** Only records of this destination. */
  destination?: string;
  signal?: AbortSignal;
}

export interface RedeliverOutcome {
  record_id: string;
  destination: string;
  findings: number;
  result: 'delivered' | 'failed' | 'skipped';
  error?: string;
}

/**
 * Sends every outstanding dead-letter record again, with the destination's
 * current URL, secret and retry budget, and marks each one that got through. A
 * record whose destination is gone from the configuration is skipped and kept.
 */
export async function redeliverDeadLetters(options: RedeliverOptions): Promise<RedeliverOutcome[]> {
  const byName = new Map(options.destinations.map((destination) => [destination.name, destination]));
  const outcomes: RedeliverOutcome[] = [];
  const records = (await options.store.outstanding()).filter((record) => !options.destination || record.destination === options.destination);
  for (const record of records) outcomes.push(await redeliverOne(record, byName.get(record.destination), options));
  return outcomes;
}

async function redeliverOne(record: DeadLetterRecord, destination: Destination | undefined, options: RedeliverOptions): Promise<RedeliverOutcome> {
  const base = { record_id: record.record_id, destination: record.destination, findings: record.findings.length };
  if (!destination) return { ...base, result: 'skipped', error: `destination ${record.destination} is not configured` };
  const notification = { ...makeNotification(destination.name, record.findings), id: record.notification_id };
  try {
    await withRetry(
      () => sendNotificationOnce(destination, notification, options.send, options.signal),
      destination.retry,
      (error, attempt) => options.logger.warn('redelivery attempt failed', { record_id: record.record_id, attempt, error: errorMessage(error) }),
      options.signal,
    );
  } catch (error) {
    return { ...base, result: 'failed', error: errorMessage(error) };
  }
  await options.store.markRedelivered(record.record_id);
  return { ...base, result: 'delivered' };
}
