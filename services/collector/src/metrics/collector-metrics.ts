import { Counter, Histogram, Registry } from 'prom-client';

export interface CollectorMetrics {
  registry: Registry;
  /** outcome: accepted (published), duplicate (already published), rejected (invalid). Each event counts once. */
  events: Counter<'outcome'>;
  requests: Counter<'route' | 'status'>;
  publishDuration: Histogram<'result'>;
  /** ci: github|gitlab|jenkins; outcome: accepted|duplicate|ignored|invalid|unauthorized; reason: why ignored or refused, else "none". */
  webhookDeliveries: Counter<'ci' | 'outcome' | 'reason'>;
  /** stream: runs|logs; kind: the secret pattern (github_token, known_value, ...). */
  redactions: Counter<'stream' | 'kind'>;
  /** outcome: accepted (published), duplicate, rejected. */
  logBatches: Counter<'outcome'>;
  logLines: Counter;
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
    webhookDeliveries: new Counter({
      name: 'pipewatch_collector_webhook_deliveries_total',
      help: 'CI webhook deliveries, by CI, outcome and reason',
      labelNames: ['ci', 'outcome', 'reason'],
      registers: [registry],
    }),
    redactions: new Counter({
      name: 'pipewatch_collector_redactions_total',
      help: 'Secrets replaced before publishing, by stream and kind',
      labelNames: ['stream', 'kind'],
      registers: [registry],
    }),
    logBatches: new Counter({
      name: 'pipewatch_collector_log_batches_total',
      help: 'Log batches received, by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    logLines: new Counter({
      name: 'pipewatch_collector_log_lines_total',
      help: 'Log lines published',
      registers: [registry],
    }),
  };
}
