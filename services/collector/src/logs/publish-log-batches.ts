import type { Bus, TopicNames } from '@pipewatch/shared';
import type { EventDedupe } from '../ingest/event-dedupe.js';
import type { CollectorMetrics } from '../metrics/collector-metrics.js';
import type { LogBatchRedaction } from './redact-log-batch.js';

export interface LogPublishOutcome {
  accepted: number;
  duplicates: number;
  /** Lines published (duplicates not counted). */
  lines: number;
  /** Secrets masked in the published batches, in all and by kind. */
  redactions: number;
  redactionsByKind: Record<string, number>;
}

/** Takes batches only in their redacted form: the type keeps raw text away from the bus. */
export type LogBatchPublisher = (batches: readonly LogBatchRedaction[]) => Promise<LogPublishOutcome>;

export interface LogBatchPublisherDeps {
  bus: Bus;
  topics: TopicNames;
  dedupe: EventDedupe;
  metrics: CollectorMetrics;
}

/** Run and log ids share one LRU; the prefix keeps them apart. */
export const logDedupeKey = (eventId: string): string => `logs:${eventId}`;

/**
 * Hands one request's new batches to `topics.logs` (keyed by pipeline id) in one
 * publish, so a request is taken whole or not at all; ids are remembered only
 * once the bus has them.
 */
export function createLogBatchPublisher(deps: LogBatchPublisherDeps): LogBatchPublisher {
  return async (batches) => {
    const fresh = new Map<string, LogBatchRedaction>();
    let duplicates = 0;
    for (const item of batches) {
      const key = logDedupeKey(item.batch.event_id);
      if (fresh.has(key) || deps.dedupe.has(key)) duplicates++;
      else fresh.set(key, item);
    }
    const byKind: Record<string, number> = {};
    let redactions = 0;
    let lines = 0;
    for (const item of fresh.values()) {
      redactions += item.total;
      lines += item.batch.lines.length;
      for (const [kind, n] of Object.entries(item.counts)) byKind[kind] = (byKind[kind] ?? 0) + n;
    }
    if (fresh.size > 0) {
      const messages = [...fresh.values()].map(({ batch }) => ({ key: batch.pipeline.id, value: JSON.stringify(batch) }));
      await deps.bus.publish(deps.topics.logs, messages);
      deps.dedupe.remember(fresh.keys());
    }
    deps.metrics.logBatches.inc({ outcome: 'accepted' }, fresh.size);
    deps.metrics.logBatches.inc({ outcome: 'duplicate' }, duplicates);
    deps.metrics.logLines.inc(lines);
    for (const [kind, n] of Object.entries(byKind)) deps.metrics.redactions.inc({ stream: 'logs', kind }, n);
    return { accepted: batches.length, duplicates, lines, redactions, redactionsByKind: byKind };
  };
}
