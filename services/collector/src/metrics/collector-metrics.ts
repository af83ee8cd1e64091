import { Counter, Histogram, Registry } from 'prom-client';

export interface CollectorMetrics {
  registry: Registry;
  /** outcome: accepted (published), duplicate (already published), rejected (invalid). Each event counts once. */
  events: Counter<'outcome'>;
  requests: Counter<'route' | 'status'>;
  publishDuration: Histogram<'result'>;
}

/** Metrics on their own registry, so several apps (or tests) in one process never collide. */
export function createCollectorMetrics(registry: Registry = new Registry()): CollectorMetrics {
  return {
    registry,
    events: new Counter({
      name: 'pipewatch_collector_events_total',
      help: 'Run events received, by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    requests: new Counter({
      name: 'pipewatch_collector_requests_total',
      help: 'HTTP requests answered, by route and status code',
      labelNames: ['route', 'status'],
      registers: [registry],
    }),
    publishDuration: new Histogram({
      name: 'pipewatch_collector_publish_duration_seconds',
      help: 'Time to hand one request of events to the bus',
      labelNames: ['result'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}
