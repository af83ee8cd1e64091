import type { FastifyInstance } from 'fastify';
import { verify } from '@octokit/webhooks-methods';
import { sendError } from '../../http/error-body.js';
import { headerValue } from '../../http/header-value.js';
import type { RawBody } from '../../ingest/raw-body.js';
import { handleDelivery, type DeliveryDeps } from '../handle-delivery.js';
import { lookup } from '../map-helpers.js';
import { ignored, type MapResult } from '../map-result.js';
import { sendNotConfigured } from '../not-configured.js';
import { mapWorkflowJob } from './map-workflow-job.js';
import { mapWorkflowRun } from './map-workflow-run.js';

export interface GithubRouteDeps extends DeliveryDeps {
  /** The webhook's secret; without it the route answers 404. */
  secret?: string | undefined;
}

const MAPPERS: Readonly<Record<string, (payload: unknown) => MapResult>> = {
  workflow_job: mapWorkflowJob,
  workflow_run: mapWorkflowRun,
};

/** The events pipewatch needs; a ping whose hook lacks them says so. */
const WANTED_EVENTS = Object.keys(MAPPERS);

/**
 * POST /webhooks/github. The signature is checked over the body text exactly as
 * it arrived (octokit's verify: HMAC-SHA256, constant-time compare), before the
 * payload is even parsed. A missing signature is refused before the body is read.
 */
export function registerGithubRoute(app: FastifyInstance, deps: GithubRouteDeps): void {
  const secret = deps.secret;
  app.post<{ Body: RawBody | undefined }>(
    '/webhooks/github',
    {
      onRequest: async (request, reply) => {
        if (!secret) return sendNotConfigured(reply, 'GitHub', 'PIPEWATCH_GITHUB_WEBHOOK_SECRET');
        if (!headerValue(request.headers['x-hub-signature-256'])) {
          deps.metrics.webhookDeliveries.inc({ ci: 'github', outcome: 'unauthorized', reason: 'missing_signature' });
          return sendError(reply, 401, 'missing_signature', 'GitHub deliveries must carry an X-Hub-Signature-256 header: set a secret on the webhook');
        }
      },
    },
    async (request, reply) => {
      const signature = headerValue(request.headers['x-hub-signature-256'])!;
      const text = request.body?.text ?? '';
      if (!(await signatureMatches(secret!, text, signature))) {
        deps.metrics.webhookDeliveries.inc({ ci: 'github', outcome: 'unauthorized', reason: 'invalid_signature' });
        return sendError(reply, 401, 'invalid_signature', 'X-Hub-Signature-256 does not match the body for the configured secret');
      }
      const event = headerValue(request.headers['x-github-event']);
      if (event === undefined) return sendError(reply, 400, 'missing_event', 'the X-GitHub-Event header is missing');
      if (event === 'ping') return reply.code(200).send(pong(text));
      return handleDelivery(
        reply,
        request.body,
        {
          ci: 'github',
          deliveryId: headerValue(request.headers['x-github-delivery'])?.slice(0, 200),
          map: lookup(MAPPERS, event) ?? (() => ignored('unsupported_event', `GitHub event ${event.slice(0, 100)}`)),
        },
        deps,
      );
    },
  );
}

async function signatureMatches(secret: string, body: string, signature: string): Promise<boolean> {
  // verify() throws on an empty body; nothing empty was ever signed by GitHub.
  if (body.length === 0) return false;
  try {
    return await verify(secret, body, signature);
  } catch {
    return false;
  }
}

/** Confirms the hook works and warns when it is not subscribed to what pipewatch reads. */
function pong(text: string): { status: 'pong'; missing_events?: string[] } {
  try {
    const events = (JSON.parse(text) as { hook?: { events?: unknown } }).hook?.events;
    if (Array.isArray(events) && !events.includes('*')) {
      const missing = WANTED_EVENTS.filter((name) => !events.includes(name));
      if (missing.length > 0) return { status: 'pong', missing_events: missing };
    }
  } catch {
    // A ping is answered whatever it holds.
  }
  return { status: 'pong' };
}
