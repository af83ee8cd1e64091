export { buildCollectorApp, type CollectorDeps } from './build-collector-app.js';
export { listenCollector, type ListenOptions, type ListeningCollector } from './listen.js';
export { createEventDedupe, type EventDedupe } from './ingest/event-dedupe.js';
export { createBearerAuth, type BearerAuth, type BearerVerdict } from './auth/bearer-auth.js';
export { createCollectorMetrics, type CollectorMetrics } from './metrics/collector-metrics.js';
export { RETRY_AFTER_SECONDS } from './routes/events-route.js';
export type { LineError } from './ingest/line-error.js';
