import type { FastifyReply } from 'fastify';
import { RunEvent, describeIssues, errorMessage, type Logger } from '@pipewatch/shared';
import { sendBusFailure } from '../http/bus-failure.js';
import { sendError } from '../http/error-body.js';
import { sendUnsupportedMedia } from '../http/unsupported-media.js';
import type { EventDedupe } from '../ingest/event-dedupe.js';
import type { PublishOutcome, RunEventPublisher } from '../ingest/publish-run-events.js';
import type { RawBody } from '../ingest/raw-body.js';
import type { CollectorMetrics } from '../metrics/collector-metrics.js';
import type { MapResult } from './map-result.js';

export type WebhookCi = 'github' | 'gitlab' | 'jenkins';

export interface DeliveryDeps {
  publish: RunEventPublisher;
  dedupe: EventDedupe;
  metrics: CollectorMetrics;
  logger: Logger;
}

export interface Delivery {
  ci: WebhookCi;
  /** The CI's id for this delivery (X-GitHub-Delivery, GitLab's Idempotency-Key), if it sends one. */
  deliveryId?: string | undefined;
  /** Maps the parsed payload; pure, so it runs only once the delivery is known to be new. */
  map: (payload: unknown) => MapResult;
}

/** What a webhook caller reads in a 202. */
export type DeliveryAnswer =
  | { status: 'accepted'; event_id: string; duplicate: boolean; redactions: number }
  | { status: 'ignored'; reason: string; detail: string }
  | { status: 'duplicate_delivery' };

const deliveryKey = (ci: WebhookCi, id: string): string => `delivery:${ci}:${id}`;

/**
 * Everything after authentication, the same for every CI: parse, skip a delivery
 * already handled, map, check the mapped event against the contract, publish, and
 * answer. A delivery id is remembered only once it was handled, so a CI's retry
 * after a 503 goes through. Ignored deliveries answer 202: the CI did nothing wrong.
 */
export async function handleDelivery(reply: FastifyReply, body: RawBody | undefined, delivery: Delivery, deps: DeliveryDeps): Promise<FastifyReply> {
  const count = (outcome: string, reason = 'none'): void => deps.metrics.webhookDeliveries.inc({ ci: delivery.ci, outcome, reason });
  if (body === undefined || body.text.trim() === '') {
    count('invalid', 'empty_body');
    return sendError(reply, 400, 'empty_body', 'the delivery has no body');
  }
  if (body.format !== 'json') {
    count('invalid', 'unsupported_media_type');
    return sendUnsupportedMedia(reply, reply.request.headers['content-type'], 'application/json');
  }
  const key = delivery.deliveryId ? deliveryKey(delivery.ci, delivery.deliveryId) : undefined;
  if (key !== undefined && deps.dedupe.has(key)) {
    count('duplicate', 'delivery');
    return reply.code(202).send({ status: 'duplicate_delivery' } satisfies DeliveryAnswer);
  }
  let payload: unknown;
  try {
    payload = JSON.parse(body.text);
  } catch (error) {
    count('invalid', 'invalid_json');
    return sendError(reply, 400, 'invalid_json', `the delivery is not valid JSON: ${errorMessage(error)}`);
  }

  const result = delivery.map(payload);
  if (result.kind === 'invalid') {
    count('invalid', 'invalid_payload');
    return sendError(reply, 400, 'invalid_payload', `the ${delivery.ci} payload lacks fields pipewatch needs`, { issues: result.issues });
  }
  if (result.kind === 'ignored') {
    count('ignored', result.reason);
    if (key !== undefined) deps.dedupe.remember([key]);
    return reply.code(202).send({ status: 'ignored', reason: result.reason, detail: result.detail } satisfies DeliveryAnswer);
  }
  const checked = RunEvent.safeParse(result.event);
  if (!checked.success) {
    // A payload the mapper accepted but the contract does not: worth a look, never worth the payload in the log.
    const issues = describeIssues(checked.error).slice(0, 20);
    deps.logger.warn('webhook payload mapped to an invalid run event', { ci: delivery.ci, issues });
    count('invalid', 'unmappable');
    return sendError(reply, 400, 'unmappable_payload', `the ${delivery.ci} payload does not make a valid run event`, { issues });
  }
  let outcome: PublishOutcome;
  try {
    outcome = await deps.publish([{ line: 1, event: checked.data }]);
  } catch (error) {
    return sendBusFailure(reply, error, deps.logger);
  }
  if (key !== undefined) deps.dedupe.remember([key]);
  const duplicate = outcome.duplicates > 0;
  count(duplicate ? 'duplicate' : 'accepted', duplicate ? 'event_id' : 'none');
  return reply
    .code(202)
    .send({ status: 'accepted', event_id: checked.data.event_id, duplicate, redactions: outcome.redactions } satisfies DeliveryAnswer);
}
