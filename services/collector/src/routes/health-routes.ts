import type { FastifyInstance } from 'fastify';
import type { Bus } from '@pipewatch/shared';

/** Liveness says the process answers; readiness says it can take events (the bus accepts publishes). */
export function registerHealthRoutes(app: FastifyInstance, bus: Bus): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) =>
    bus.isReady() ? reply.code(200).send({ status: 'ready' }) : reply.code(503).send({ status: 'not_ready' }),
  );
}
