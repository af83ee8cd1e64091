import type { FastifyInstance } from 'fastify';
import { createSharedSecretCheck } from '../../auth/shared-secret.js';
import { sendError } from '../../http/error-body.js';
import { headerValue } from '../../http/header-value.js';
import type { RawBody } from '../../ingest/raw-body.js';
import { handleDelivery, type DeliveryDeps } from '../handle-delivery.js';
import { ignored, type MapResult } from '../map-result.js';
import { sendNotConfigured } from '../not-configured.js';
import { mapGitlabJob } from './map-job-hook.js';
import { mapGitlabPipeline } from './map-pipeline-hook.js';

export interface GitlabRouteDeps extends DeliveryDeps {
  /** The webhook's secret token; without it the route answers 404. */
  token?: string | undefined;
}

/**
 * Dispatches on the payload's `object_kind` rather than the X-Gitlab-Event header,
 * which says "System Hook" for the same payloads sent by an instance-wide hook.
 */
function mapByKind(payload: unknown): MapResult {
  const kind = payload !== null && typeof payload === 'object' ? (payload as { object_kind?: unknown }).object_kind : undefined;
  if (kind === 'pipeline') return mapGitlabPipeline(payload);
  if (kind === 'build') return mapGitlabJob(payload);
  return ignored('unsupported_event', `GitLab object_kind ${typeof kind === 'string' ? kind.slice(0, 100) : 'missing'}`);
}

/**
 * POST /webhooks/gitlab. GitLab sends its secret token as is in X-Gitlab-Token;
 * it is compared in constant time before the body is read.
 */
export function registerGitlabRoute(app: FastifyInstance, deps: GitlabRouteDeps): void {
  const matches = deps.token ? createSharedSecretCheck(deps.token) : undefined;
  app.post<{ Body: RawBody | undefined }>(
    '/webhooks/gitlab',
    {
      onRequest: async (request, reply) => {
        if (!matches) return sendNotConfigured(reply, 'GitLab', 'PIPEWATCH_GITLAB_WEBHOOK_TOKEN');
        const presented = headerValue(request.headers['x-gitlab-token']);
        if (presented === undefined) {
          deps.metrics.webhookDeliveries.inc({ ci: 'gitlab', outcome: 'unauthorized', reason: 'missing_token' });
          return sendError(reply, 401, 'missing_gitlab_token', 'GitLab deliveries must carry an X-Gitlab-Token header: set a secret token on the webhook');
        }
        if (!matches(presented)) {
          deps.metrics.webhookDeliveries.inc({ ci: 'gitlab', outcome: 'unauthorized', reason: 'invalid_token' });
          return sendError(reply, 401, 'invalid_gitlab_token', 'X-Gitlab-Token is not the configured secret token');
        }
      },
    },
    async (request, reply) =>
      handleDelivery(
        reply,
        request.body,
        // GitLab 17.4+ keeps Idempotency-Key the same across retries of one delivery.
        { ci: 'gitlab', deliveryId: headerValue(request.headers['idempotency-key'])?.slice(0, 200), map: mapByKind },
        deps,
      ),
  );
}
