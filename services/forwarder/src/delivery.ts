import { errorMessage, withRetry, type RetryPolicy } from '@pipewatch/shared';
import { CollectorError, type HttpClient } from './http-client.js';
import type { Spool, SpoolRecord } from './spool.js';

export type CollectorState = 'unknown' | 'up' | 'retrying' | 'down';

export interface DeliveryStats {
  state: CollectorState;
  sentRecords: number;
  sentLines: number;
  /** Records from an earlier run's spool delivered by this one. */
  resent: number;
  pendingRecords: number;
  pendingLines: number;
  spooled: number;
  /** Oldest spool records dropped to keep the spool under its size bound. */
  spoolDropped: number;
  /** Records the collector refused for good (4xx), or lost because the spool could not be written. */
  dropped: number;
  /** true once /v1/logs answered 404: this collector takes no logs, so none are sent or spooled. */
  logsUnsupported: boolean;
  lastError?: string;
}

export interface Delivery {
  send(record: SpoolRecord): void;
  /** Queues a resend of whatever is spooled (earlier runs' data goes before what is queued after it). */
  resendSpooled(): void;
  /**
   * Delivers what is queued, then (if the collector is up) the spool, within `timeoutMs`;
   * whatever is still undelivered then is spooled. Never rejects.
   */
  finish(timeoutMs: number): Promise<void>;
  stats(): DeliveryStats;
}

export interface DeliveryOptions {
  client: HttpClient;
  spool: Spool;
  retry: RetryPolicy;
  /** While down, records go straight to the spool for this long before the collector is tried again. */
  cooldownMs: number;
  /** More records than this waiting in memory go straight to the spool. */
  maxQueued?: number;
  now?: () => number;
}

type Task = { type: 'record'; record: SpoolRecord } | { type: 'resend' };
type Outcome = 'sent' | 'dropped' | 'failed';

const PATHS: Record<SpoolRecord['kind'], string> = { event: '/v1/events', logs: '/v1/logs' };

/**
 * One record at a time, in order, to the collector: retried with backoff while it may
 * come back, spooled when it does not, dropped when it refuses the record itself.
 */
export function createDelivery(options: DeliveryOptions): Delivery {
  const now = options.now ?? Date.now;
  const maxQueued = options.maxQueued ?? 1000;
  const queue: Task[] = [];
  const abort = new AbortController();
  let inFlight: SpoolRecord | undefined;
  let pumping: Promise<void> | undefined;
  let spoolChain: Promise<void> = Promise.resolve();
  let downUntil = 0;
  const stats: DeliveryStats = {
    state: 'unknown',
    sentRecords: 0,
    sentLines: 0,
    resent: 0,
    pendingRecords: 0,
    pendingLines: 0,
    spooled: 0,
    spoolDropped: 0,
    dropped: 0,
    logsUnsupported: false,
  };

  function toSpool(records: readonly SpoolRecord[]): Promise<void> {
    const keep = records.filter((record) => !(record.kind === 'logs' && stats.logsUnsupported));
    if (keep.length === 0) return spoolChain;
    spoolChain = spoolChain.then(async () => {
      try {
        const { dropped } = await options.spool.append(keep);
        stats.spooled += keep.length;
        stats.spoolDropped += dropped;
      } catch (error) {
        stats.dropped += keep.length;
        stats.lastError = `spool: ${errorMessage(error)}`;
      }
    });
    return spoolChain;
  }

  async function deliver(record: SpoolRecord): Promise<Outcome> {
    if (record.kind === 'logs' && stats.logsUnsupported) return 'dropped';
    if (abort.signal.aborted || (stats.state === 'down' && now() < downUntil)) return 'failed';
    // After a cooldown the collector gets one try, not a whole backoff series.
    const policy = stats.state === 'down' ? { ...options.retry, retries: 0 } : options.retry;
    try {
      const reply = await withRetry(
        () => options.client.postJson(PATHS[record.kind], record.body, abort.signal),
        policy,
        (error) => {
          if (!abort.signal.aborted) stats.state = 'retrying';
          stats.lastError = errorMessage(error);
        },
        abort.signal,
      );
      stats.state = 'up';
      const rejected = (reply.body as { rejected?: unknown } | undefined)?.rejected;
      if (typeof rejected === 'number' && rejected > 0) stats.dropped += 1;
      return 'sent';
    } catch (error) {
      if (abort.signal.aborted) return 'failed';
      stats.lastError = errorMessage(error);
      if (error instanceof CollectorError && !error.retryable) {
        if (error.status === 404 && record.kind === 'logs') stats.logsUnsupported = true;
        stats.dropped += 1;
        return 'dropped';
      }
      stats.state = 'down';
      downUntil = now() + options.cooldownMs;
      return 'failed';
    }
  }

  async function run(task: Task): Promise<void> {
    if (task.type === 'record') {
      inFlight = task.record;
      const outcome = await deliver(task.record);
      inFlight = undefined;
      if (outcome === 'sent') countSent(task.record, false);
      if (outcome === 'failed') await toSpool([task.record]);
      return;
    }
    if (abort.signal.aborted) return;
    const claimed = await options.spool.claim().catch(() => undefined);
    if (!claimed) return;
    for (let i = 0; i < claimed.records.length; i += 1) {
      const record = claimed.records[i]!;
      inFlight = record;
      const outcome = await deliver(record);
      inFlight = undefined;
      if (outcome === 'sent') countSent(record, true);
      if (outcome === 'failed') {
        await toSpool(claimed.records.slice(i));
        break;
      }
    }
    await spoolChain;
    await claimed.release();
  }

  function countSent(record: SpoolRecord, resent: boolean): void {
    stats.sentRecords += 1;
    if (resent) stats.resent += 1;
    stats.sentLines += linesOf(record);
  }

  function pump(): void {
    pumping ??= (async () => {
      while (queue.length > 0) await run(queue.shift()!);
      pumping = undefined;
    })();
  }

  async function idle(): Promise<void> {
    while (pumping) await pumping;
  }

  return {
    send(record) {
      if (queue.length >= maxQueued) void toSpool([record]);
      else {
        queue.push({ type: 'record', record });
        pump();
      }
    },
    resendSpooled() {
      queue.push({ type: 'resend' });
      pump();
    },
    async finish(timeoutMs) {
      const timer = setTimeout(() => abort.abort(new Error('flush timeout')), timeoutMs);
      try {
        await idle();
        if (stats.state === 'up' && !abort.signal.aborted) {
          queue.push({ type: 'resend' });
          pump();
          await idle();
        }
      } finally {
        clearTimeout(timer);
        await spoolChain;
      }
    },
    stats() {
      const waiting = queue.flatMap((task) => (task.type === 'record' ? [task.record] : []));
      if (inFlight) waiting.push(inFlight);
      return {
        ...stats,
        pendingRecords: waiting.length,
        pendingLines: waiting.reduce((sum, record) => sum + linesOf(record), 0),
      };
    },
  };
}

function linesOf(record: SpoolRecord): number {
  const lines = (record.body as { lines?: unknown[] } | undefined)?.lines;
  return record.kind === 'logs' && Array.isArray(lines) ? lines.length : 0;
}
