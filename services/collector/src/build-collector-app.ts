import Fastify, { type FastifyInstance } from 'fastify';
import type { Bus, Logger, TopicNames } from '@pipewatch/shared';
import { createBearerAuth } from './auth/bearer-auth.js';
import { registerAuthHook } from './http/auth-hook.js';
import { registerRawBodyParsers } from './http/body-parsers.js';
import { sendError } from './http/error-body.js';
import { registerErrorHandler } from './http/error-handler.js';
import { registerRequestMetricsHook } from './http/request-metrics-hook.js';
import type { EventDedupe } from './ingest/event-dedupe.js';
import { createRunEventPublisher } from './ingest/publish-run-events.js';
import { createCollectorMetrics, type CollectorMetrics } from './metrics/collector-metrics.js';
import { registerEventsRoute } from './routes/events-route.js';
import { registerHealthRoutes } from './routes/health-routes.js';
import { registerMetricsRoute } from './routes/metrics-route.js';

export interface CollectorDeps {
  bus: Bus;
  topics: TopicNames;
  logger: Logger;
  /** Accepted bearer tokens; none means no auth (and listenCollector binds to loopback). */
  tokens?: string[];
  maxBodyBytes: number;
  dedupe: EventDedupe;
  /** Pass one to share a registry with the composition root; otherwise the app makes its own. */
  metrics?: CollectorMetrics;
}

/** Builds the collector's HTTP app without listening, so tests can inject or bind port 0. */
export function buildCollectorApp(deps: CollectorDeps): FastifyInstance {
  const metrics = deps.metrics ?? createCollectorMetrics();
  // Fastify's own logger stays off: the app logs through our Logger, and only for 5xx.
  const app = Fastify({ logger: false, bodyLimit: deps.maxBodyBytes });

  registerRawBodyParsers(app);
  registerErrorHandler(app, { logger: deps.logger, maxBodyBytes: deps.maxBodyBytes });
  registerRequestMetricsHook(app, metrics);
  registerAuthHook(app, createBearerAuth(deps.tokens ?? []));
  app.setNotFoundHandler((request, reply) => sendError(reply, 404, 'not_found', `no route ${request.method} ${request.url.split('?')[0]}`));

  registerHealthRoutes(app, deps.bus);
  registerMetricsRoute(app, metrics);
  registerEventsRoute(app, {
    publish: createRunEventPublisher({ bus: deps.bus, topics: deps.topics, dedupe: deps.dedupe, metrics }),
    metrics,
    logger: deps.logger,
  });
  return app;
}
