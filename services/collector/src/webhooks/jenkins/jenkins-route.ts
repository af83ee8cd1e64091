import type { FastifyInstance } from 'fastify';
import type { RawBody } from '../../ingest/raw-body.js';
import { handleDelivery, type DeliveryDeps } from '../handle-delivery.js';
import { mapJenkinsNotification } from './map-notification.js';

/**
 * POST /webhooks/jenkins: the Notification plugin's JSON. Authentication is the
 * ingest token, checked by the app's auth hook; this route also takes it as the
 * password of Basic auth, the only header the plugin can send.
 */
export function registerJenkinsRoute(app: FastifyInstance, deps: DeliveryDeps): void {
  app.post<{ Body: RawBody | undefined }>('/webhooks/jenkins', async (request, reply) =>
    handleDelivery(reply, request.body, { ci: 'jenkins', map: mapJenkinsNotification }, deps),
  );
}
