import type { Bus, TopicNames } from '@pipewatch/shared';
import type { CollectorMetrics } from '../metrics/collector-metrics.js';
import type { EventDedupe } from './event-dedupe.js';
import { redactRunEvent } from './redact-run-event.js';
import type { ValidEvent } from './validate-records.js';

export interface PublishOutcome {
  /** Events the bus now holds, including duplicates it already held. */
  accepted: number;
  duplicates: number;
  /** Secrets masked in the published events. */
  redactions: number;
}

export type RunEventPublisher = (events: readonly ValidEvent[]) => Promise<PublishOutcome>;

export interface RunEventPublisherDeps {
  bus: Bus;
  topics: TopicNames;
  dedupe: EventDedupe;
  metrics: CollectorMetrics;
  /** Values of known secrets, masked wherever they appear in an event's free text. */
  knownSecretValues?: readonly string[];
}

/** Run and log ids share one LRU; the prefix keeps a log batch from passing for a run event with the same id. */
export const runDedupeKey = (eventId: string): string => `runs:${eventId}`;

/**
 * Hands one request's new events to the bus in a single publish, so a request is
 * taken whole or not at all. Secrets are masked before the bus sees anything. Ids
 * are remembered only once the bus has the events: if the publish throws, the
 * client's retry must not be mistaken for a duplicate.
 */
export function createRunEventPublisher(deps: RunEventPublisherDeps): RunEventPublisher {
  const knownValues = deps.knownSecretValues ?? [];
  return async (events) => {
    const fresh = new Map<string, ValidEvent>();
    let duplicates = 0;
    for (const item of events) {
      const key = runDedupeKey(item.event.event_id);
      if (fresh.has(key) || deps.dedupe.has(key)) duplicates++;
      else fresh.set(key, item);
    }
    let redactions = 0;
    const redactionCounts: Record<string, number> = {};
    if (fresh.size > 0) {
      const messages = [...fresh.values()].map(({ event }) => {
        const redacted = redactRunEvent(event, knownValues);
        for (const [kind, n] of Object.entries(redacted.counts)) {
          redactionCounts[kind] = (redactionCounts[kind] ?? 0) + n;
          redactions += n;
        }
        return { key: event.pipeline.id, value: JSON.stringify(redacted.event) };
      });
      const stopTimer = deps.metrics.publishDuration.startTimer();
      try {
        await deps.bus.publish(deps.topics.runs, messages);
        stopTimer({ result: 'ok' });
      } catch (error) {
        stopTimer({ result: 'error' });
        throw error;
      }
      deps.dedupe.remember(fresh.keys());
    }
    deps.metrics.events.inc({ outcome: 'accepted' }, fresh.size);
    deps.metrics.events.inc({ outcome: 'duplicate' }, duplicates);
    for (const [kind, n] of Object.entries(redactionCounts)) deps.metrics.redactions.inc({ stream: 'runs', kind }, n);
    return { accepted: events.length, duplicates, redactions };
  };
}
