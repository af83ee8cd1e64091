import type { FastifyInstance } from 'fastify';
import type { CollectorMetrics } from '../metrics/collector-metrics.js';

export function registerMetricsRoute(app: FastifyInstance, metrics: CollectorMetrics): void {
  app.get('/metrics', async (_request, reply) => {
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });
}
