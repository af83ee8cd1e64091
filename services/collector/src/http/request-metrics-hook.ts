import type { FastifyInstance } from 'fastify';
import type { CollectorMetrics } from '../metrics/collector-metrics.js';

/** Labels by route pattern, never by raw path, so scanners probing random URLs cannot explode the series count. */
export function registerRequestMetricsHook(app: FastifyInstance, metrics: CollectorMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    metrics.requests.inc({ route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) });
  });
}
