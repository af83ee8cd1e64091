import type { Bus, TopicNames } from '@pipewatch/shared';
import type { CollectorMetrics } from '../metrics/collector-metrics.js';
import type { EventDedupe } from './event-dedupe.js';
import type { ValidEvent } from './validate-records.js';

export interface PublishOutcome {
  /** Events the bus now holds, including duplicates it already held. */
  accepted: number;
  duplicates: number;
}

export interface RunEventPublisherDeps {
  bus: Bus;
  topics: TopicNames;
  dedupe: EventDedupe;
  metrics: CollectorMetrics;
}

/**
 * Hands one request's new events to the bus in a single publish, so a request is
 * taken whole or not at all. Ids are remembered only once the bus has the events:
 * if the publish throws, the client's retry must not be mistaken for a duplicate.
 */
export function createRunEventPublisher(deps: RunEventPublisherDeps): (events: readonly ValidEvent[]) => Promise<PublishOutcome> {
  return async (events) => {
    const fresh = new Map<string, ValidEvent>();
    let duplicates = 0;
    for (const item of events) {
      const id = item.event.event_id;
      if (fresh.has(id) || deps.dedupe.has(id)) duplicates++;
      else fresh.set(id, item);
    }
    if (fresh.size > 0) {
      const messages = [...fresh.values()].map(({ event }) => ({ key: event.pipeline.id, value: JSON.stringify(event) }));
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
    return { accepted: events.length, duplicates };
  };
}
