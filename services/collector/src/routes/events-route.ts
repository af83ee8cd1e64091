import type { FastifyInstance } from 'fastify';
import type { Logger } from '@pipewatch/shared';
import { sendBusFailure } from '../http/bus-failure.js';
import { sendError } from '../http/error-body.js';
import { sendUnsupportedMedia } from '../http/unsupported-media.js';
import { describeLineErrors, reportable } from '../ingest/line-error.js';
import type { PublishOutcome, RunEventPublisher } from '../ingest/publish-run-events.js';
import type { RawBody } from '../ingest/raw-body.js';
import { splitBody } from '../ingest/split-body.js';
import { validateRecords } from '../ingest/validate-records.js';
import type { CollectorMetrics } from '../metrics/collector-metrics.js';
import type { FindingsFeed } from '../ingest/findings-feed.js';

export { RETRY_AFTER_SECONDS } from '../http/bus-failure.js';

export interface EventsRouteDeps {
  publish: RunEventPublisher;
  /** When set, `?wait_ms=` answers carry the findings of the sent runs (the forwarder's --fail-on). */
  findings?: FindingsFeed;
  metrics: CollectorMetrics;
  logger: Logger;
}

const EMPTY = 'the body is empty; send one run event as JSON or many as NDJSON';

/** POST /v1/events: one run event (JSON) or many (NDJSON); 202 once the valid ones are on the bus. */
export function registerEventsRoute(app: FastifyInstance, deps: EventsRouteDeps): void {
  app.post<{ Body: RawBody | undefined; Querystring: { wait_ms?: string } }>('/v1/events', async (request, reply) => {
    if (request.body === undefined) return sendError(reply, 400, 'empty_body', EMPTY);
    if (request.body.format === 'text') return sendUnsupportedMedia(reply, request.headers['content-type'], 'application/json or application/x-ndjson');
    const split = splitBody(request.body);
    if (split.kind === 'empty') return sendError(reply, 400, 'empty_body', EMPTY);
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
    const body = { accepted: outcome.accepted, rejected: errors.length, duplicates: outcome.duplicates, ...reported };
    const waitMs = Number(request.query.wait_ms);
    if (!deps.findings || request.query.wait_ms === undefined || !Number.isFinite(waitMs)) return reply.code(202).send(body);
    // Streamed observations: wait a little for the detector, then answer with what each run raised so far.
    await deps.findings.waitFor(valid.map(({ event }) => event.event_id), waitMs);
    const runs = new Map(valid.map(({ event }) => [`${event.pipeline.id}\u0000${event.run.id}`, event] as const));
    const findings = [...runs.values()].flatMap((event) => deps.findings!.forRun(event.pipeline.id, event.run.id));
    return reply.code(202).send({ ...body, findings });
  });
}
