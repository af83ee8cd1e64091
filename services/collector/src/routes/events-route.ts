import type { FastifyInstance, FastifyReply } from 'fastify';
import { PipewatchError, errorMessage, isRetryable, type Logger } from '@pipewatch/shared';
import { sendError } from '../http/error-body.js';
import { describeLineErrors, type LineError } from '../ingest/line-error.js';
import type { PublishOutcome } from '../ingest/publish-run-events.js';
import type { RawBody } from '../ingest/raw-body.js';
import { splitBody } from '../ingest/split-body.js';
import { validateRecords, type ValidEvent } from '../ingest/validate-records.js';
import type { CollectorMetrics } from '../metrics/collector-metrics.js';

export interface EventsRouteDeps {
  publish: (events: readonly ValidEvent[]) => Promise<PublishOutcome>;
  metrics: CollectorMetrics;
  logger: Logger;
}

/** Seconds a client should wait before retrying when the bus pushes back. */
export const RETRY_AFTER_SECONDS = 5;

/** Caps the error list so a huge bad body cannot make an even larger answer; `rejected` still counts all. */
const MAX_REPORTED_ERRORS = 100;

/** POST /v1/events: one run event (JSON) or many (NDJSON); 202 once the valid ones are on the bus. */
export function registerEventsRoute(app: FastifyInstance, deps: EventsRouteDeps): void {
  app.post<{ Body: RawBody | undefined }>('/v1/events', async (request, reply) => {
    if (request.body === undefined) return sendError(reply, 400, 'empty_body', 'the body is empty; send one run event as JSON or many as NDJSON');
    const split = splitBody(request.body);
    if (split.kind === 'empty') return sendError(reply, 400, 'empty_body', 'the body is empty; send one run event as JSON or many as NDJSON');
    if (split.kind === 'array') {
      return sendError(
        reply,
        400,
        'json_array',
        'the body is a JSON array; send several events as NDJSON (Content-Type: application/x-ndjson), one event per line',
      );
    }
    const { valid, errors: schemaErrors } = validateRecords(split.records);
    const errors = [...split.errors, ...schemaErrors].sort((a, b) => a.line - b.line);
    deps.metrics.events.inc({ outcome: 'rejected' }, errors.length);
    const reported = reportable(errors);

    if (valid.length === 0) {
      return sendError(reply, 400, errors[0]?.code ?? 'invalid_event', `no valid event in the body: ${describeLineErrors(errors)}`, reported);
    }
    let outcome: PublishOutcome;
    try {
      outcome = await deps.publish(valid);
    } catch (error) {
      return sendBusFailure(reply, error, deps.logger);
    }
    return reply.code(202).send({ accepted: outcome.accepted, rejected: errors.length, duplicates: outcome.duplicates, ...reported });
  });
}

function reportable(errors: readonly LineError[]): { errors: LineError[]; errors_truncated?: true } {
  return errors.length > MAX_REPORTED_ERRORS
    ? { errors: errors.slice(0, MAX_REPORTED_ERRORS), errors_truncated: true }
    : { errors: [...errors] };
}

/** Nothing was handed to the bus, so nothing may be acknowledged: 503 invites a retry, 500 does not. */
function sendBusFailure(reply: FastifyReply, error: unknown, logger: Logger): FastifyReply {
  const code = error instanceof PipewatchError ? error.code : 'unknown';
  if (isRetryable(error)) {
    logger.warn('bus refused events; answering 503', { code, reason: errorMessage(error) });
    reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    return sendError(reply, 503, 'bus_unavailable', `the event bus cannot take events right now (${code}); retry in ${RETRY_AFTER_SECONDS} seconds`);
  }
  logger.error('bus rejected events permanently', { code, reason: errorMessage(error) });
  return sendError(reply, 500, code === 'unknown' ? 'publish_failed' : code, 'the event bus rejected the events');
}
