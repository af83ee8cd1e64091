import pThrottle from 'p-throttle';
import { PipewatchError, errorMessage, withRetry, type Finding, type Logger, type RetryPolicy } from '@pipewatch/shared';
import { newDeadLetterId, type DeadLetterStore } from '../deadletter/dead-letter-store.js';
import type { NotificationLedger } from '../ledger/notification-ledger.js';
import type { Destination } from './destination.js';
import { makeNotification, type Notification } from './notification.js';

export interface ChannelStats {
  /** Notifications (requests) delivered. */
  sent: number;
  /** Failed attempts, retried or not. */
  failedAttempts: number;
  deadLettered: number;
}

export interface DestinationChannel {
  readonly name: string;
  /** Takes a finding that was claimed for this destination; it is sent after its run's window. */
  add(finding: Finding): void;
  /** Closes every open window now. */
  flush(): void;
  /** Resolves when nothing is waiting or in flight, or after `timeoutMs`. */
  drain(timeoutMs: number): Promise<void>;
  /** Stops at once: in-flight requests and retry waits are cut, their claims stay pending. */
  abort(): void;
  stats(): ChannelStats;
}

export interface ChannelOptions {
  destination: Destination;
  /** How long a run's findings are gathered into one notification (body `run`). */
  windowMs: number;
  /** One attempt; throws Retryable / Permanent errors. */
  send: (notification: Notification, signal: AbortSignal) => Promise<void>;
  /** Records the outcome of a notification's claims in the ledger. */
  settle: NotificationLedger['settle'];
  deadLetters: DeadLetterStore;
  logger: Logger;
  /** Backoff for writing a dead-letter record. */
  storeRetry?: RetryPolicy;
  now?: () => Date;
}

/**
 * Everything one destination needs, on its own: the grouping windows, a queue
 * worked one notification at a time, the rate limit, retries with backoff and
 * jitter, and the dead-letter hand-off. Channels share nothing, so a destination
 * that is down or slow only ever delays itself.
 */
export function createDestinationChannel(options: ChannelOptions): DestinationChannel {
  const { destination, settle, deadLetters } = options;
  const now = options.now ?? (() => new Date());
  const logger = options.logger.child({ destination: destination.name, target: destination.target.display });
  const closing = new AbortController();
  const stats: ChannelStats = { sent: 0, failedAttempts: 0, deadLettered: 0 };
  const windows = new Map<string, { findings: Finding[]; timer: NodeJS.Timeout }>();
  const queue: Notification[] = [];
  let working: Promise<void> | undefined;
  const idleWaiters = new Set<() => void>();

  const throttled = destination.rateLimit
    ? pThrottle({ limit: destination.rateLimit.limit, interval: destination.rateLimit.intervalMs, signal: closing.signal })(
        (notification: Notification) => options.send(notification, closing.signal),
      )
    : (notification: Notification) => options.send(notification, closing.signal);

  function isIdle(): boolean {
    return queue.length === 0 && working === undefined && windows.size === 0;
  }

  function notifyIdle(): void {
    if (!isIdle()) return;
    for (const wake of idleWaiters) wake();
    idleWaiters.clear();
  }

  async function deliver(notification: Notification): Promise<void> {
    const keys = notification.findings.map((finding) => ({ destination: destination.name, finding_id: finding.finding_id }));
    let attempts = 0;
    try {
      await withRetry(
        async () => {
          attempts++;
          await throttled(notification);
        },
        destination.retry,
        (error, attempt) => {
          stats.failedAttempts++;
          logger.warn('notification attempt failed', { notification_id: notification.id, attempt, error: errorMessage(error) });
        },
        closing.signal,
      );
    } catch (error) {
      // Cut off by shutdown: the claims stay pending and the next start sends them.
      if (closing.signal.aborted) return;
      await deadLetter(notification, keys, attempts, error);
      return;
    }
    stats.sent++;
    // Not awaited: the next notification goes out while this one is recorded (settles are batched).
    settle(keys, 'sent').catch((error: unknown) => {
      // Delivered but not recorded: a restart may send it once more (receivers dedupe on the notification id).
      logger.error('could not record a sent notification', { notification_id: notification.id, error: errorMessage(error) });
    });
  }

  async function deadLetter(notification: Notification, keys: { destination: string; finding_id: string }[], attempts: number, error: unknown): Promise<void> {
    const record = {
      record_id: newDeadLetterId(),
      destination: destination.name,
      notification_id: notification.id,
      findings: notification.findings,
      failed_at: now().toISOString(),
      attempts,
      error: { code: error instanceof PipewatchError ? error.code : 'unknown', message: errorMessage(error).slice(0, 2000) },
    };
    try {
      await withRetry(() => deadLetters.put(record), options.storeRetry ?? { retries: 5, minDelayMs: 200, maxDelayMs: 5_000 }, undefined, closing.signal);
      await settle(keys, 'dead');
    } catch (storeError) {
      // Neither sent nor dead-lettered: left pending, so the next start tries again.
      logger.error('could not dead-letter a notification; it stays pending', { notification_id: notification.id, error: errorMessage(storeError) });
      return;
    }
    stats.deadLettered++;
    logger.warn('notification dead-lettered', { notification_id: notification.id, record_id: record.record_id, attempts, error: record.error.message });
  }

  function kick(): void {
    if (working || closing.signal.aborted) return;
    working = (async () => {
      while (queue.length > 0 && !closing.signal.aborted) await deliver(queue.shift()!);
    })().finally(() => {
      working = undefined;
      if (queue.length > 0 && !closing.signal.aborted) kick();
      else notifyIdle();
    });
  }

  function enqueue(findings: Finding[]): void {
    queue.push(makeNotification(destination.name, findings));
    kick();
  }

  function closeWindow(key: string): void {
    const open = windows.get(key);
    if (!open) return;
    clearTimeout(open.timer);
    windows.delete(key);
    enqueue(open.findings);
  }

  return {
    name: destination.name,
    add(finding) {
      if (closing.signal.aborted) return;
      if (destination.body === 'finding' || options.windowMs === 0) return enqueue([finding]);
      const key = `${finding.pipeline.id}\u0000${finding.run.id}`;
      const open = windows.get(key);
      if (open) {
        if (!open.findings.some((known) => known.finding_id === finding.finding_id)) open.findings.push(finding);
        if (isUrgent(finding)) closeWindow(key);
        return;
      }
      // Nothing waits on an urgent finding: it goes out alone, and later ones of its run group again.
      if (isUrgent(finding)) return enqueue([finding]);
      windows.set(key, { findings: [finding], timer: setTimeout(() => closeWindow(key), options.windowMs) });
    },
    flush() {
      for (const key of [...windows.keys()]) closeWindow(key);
    },
    drain(timeoutMs) {
      if (isIdle()) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(done, timeoutMs);
        function done(): void {
          clearTimeout(timer);
          idleWaiters.delete(done);
          resolve();
        }
        idleWaiters.add(done);
      });
    },
    abort() {
      closing.abort();
      for (const open of windows.values()) clearTimeout(open.timer);
      windows.clear();
      queue.length = 0;
      notifyIdle();
    },
    stats: () => ({ ...stats }),
  };
}

/**
 * A high or critical finding raised while the job still runs (from a streamed partial
 * observation) is sent without waiting for the grouping window: someone can still act
 * before the job ends. Findings of a finished run group as before; a few seconds no
 * longer matter there, and one message per run is easier on the person paged.
 */
export function isUrgent(finding: Finding): boolean {
  return finding.run.status === 'running' && (finding.severity === 'high' || finding.severity === 'critical');
}
