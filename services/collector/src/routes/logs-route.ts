import type { FastifyInstance, FastifyReply } from 'fastify';
import { describeIssues, type Logger } from '@pipewatch/shared';
import { sendBusFailure } from '../http/bus-failure.js';
import { sendError } from '../http/error-body.js';
import { describeLineErrors, reportable, type LineError } from '../ingest/line-error.js';
import type { RawBody } from '../ingest/raw-body.js';
import { splitBody } from '../ingest/split-body.js';
import { TextLogQuery } from '../logs/log-query.js';
import type { LogBatchPublisher, LogPublishOutcome } from '../logs/publish-log-batches.js';
import { redactLogBatch, type LogBatchRedaction } from '../logs/redact-log-batch.js';
import { MAX_LINE_CHARS, splitTextLines } from '../logs/split-text-lines.js';
import { textLogBatches } from '../logs/text-log-batch.js';
import { claimedLineCount, validateLogBatches } from '../logs/validate-log-batches.js';
import type { CollectorMetrics } from '../metrics/collector-metrics.js';

export interface LogsRouteDeps {
  publish: LogBatchPublisher;
  metrics: CollectorMetrics;
  logger: Logger;
  /** Most lines one request may carry, over all its batches. */
  maxLogLines: number;
  knownSecretValues: readonly string[];
}

const EMPTY = 'the body is empty; send a pipewatch.log/v1 batch as JSON, many as NDJSON, or raw lines as text/plain';

/**
 * POST /v1/logs: log batches (`pipewatch.log/v1`) as JSON or NDJSON, or raw text
 * with `?pipeline=&run=[&step=][&batch=][&source=]`. Every line is redacted before
 * anything is published; 202 says how many secrets were masked.
 */
export function registerLogsRoute(app: FastifyInstance, deps: LogsRouteDeps): void {
  app.post<{ Body: RawBody | undefined; Querystring: Record<string, unknown> }>('/v1/logs', async (request, reply) => {
    const body = request.body;
    if (body === undefined) return sendError(reply, 400, 'empty_body', EMPTY);
    if (body.format === 'text') return acceptText(reply, body.text, request.query, deps);
    return acceptBatches(reply, body, deps);
  });
}

async function acceptText(reply: FastifyReply, text: string, query: Record<string, unknown>, deps: LogsRouteDeps): Promise<FastifyReply> {
  const parsed = TextLogQuery.safeParse(query);
  if (!parsed.success) {
    return sendError(reply, 400, 'invalid_query', 'text/plain logs need ?pipeline=<pipeline id>&run=<run id> (optional: step, batch, source)', {
      issues: describeIssues(parsed.error),
    });
  }
  const lines = splitTextLines(text);
  if (lines.length === 0) return sendError(reply, 400, 'empty_body', EMPTY);
  if (lines.length > deps.maxLogLines) return sendTooManyLines(reply, lines.length, deps.maxLogLines);
  const batches = textLogBatches(lines, parsed.data, deps.knownSecretValues);
  const truncated = lines.filter((line) => line.length > MAX_LINE_CHARS).length;
  return publish(reply, batches, [], deps, {
    event_id: batches[0]!.batch.event_id,
    ...(batches.length > 1 ? { event_ids: batches.map((item) => item.batch.event_id) } : {}),
    ...(truncated > 0 ? { truncated_lines: truncated } : {}),
  });
}

async function acceptBatches(reply: FastifyReply, body: RawBody, deps: LogsRouteDeps): Promise<FastifyReply> {
  const split = splitBody(body);
  if (split.kind === 'empty') return sendError(reply, 400, 'empty_body', EMPTY);
  if (split.kind === 'array') {
    return sendError(reply, 400, 'json_array', 'the body is a JSON array; send several batches as NDJSON (Content-Type: application/x-ndjson), one per line');
  }
  const claimed = claimedLineCount(split.records);
  if (claimed > deps.maxLogLines) return sendTooManyLines(reply, claimed, deps.maxLogLines);
  const { valid, errors: schemaErrors } = validateLogBatches(split.records);
  const errors = [...split.errors, ...schemaErrors].sort((a, b) => a.line - b.line);
  deps.metrics.logBatches.inc({ outcome: 'rejected' }, errors.length);
  if (valid.length === 0) {
    return sendError(
      reply,
      400,
      errors[0]?.code ?? 'invalid_batch',
      `no valid log batch in the body: ${describeLineErrors(errors, 'pipewatch.log/v1 batch')}`,
      reportable(errors),
    );
  }
  const redacted = valid.map((batch) => redactLogBatch(batch, deps.knownSecretValues));
  return publish(reply, redacted, errors, deps, {});
}

async function publish(
  reply: FastifyReply,
  batches: readonly LogBatchRedaction[],
  errors: readonly LineError[],
  deps: LogsRouteDeps,
  extra: Record<string, unknown>,
): Promise<FastifyReply> {
  let outcome: LogPublishOutcome;
  try {
    outcome = await deps.publish(batches);
  } catch (error) {
    return sendBusFailure(reply, error, deps.logger);
  }
  return reply.code(202).send({
    accepted: outcome.accepted,
    rejected: errors.length,
    duplicates: outcome.duplicates,
    lines: outcome.lines,
    redactions: outcome.redactions,
    redactions_by_kind: outcome.redactionsByKind,
    ...extra,
    ...reportable(errors),
  });
}

function sendTooManyLines(reply: FastifyReply, lines: number, limit: number): FastifyReply {
  return sendError(reply, 413, 'too_many_lines', `the request carries ${lines} log lines; the limit is ${limit} per request: split it into several requests`, {
    lines,
    limit,
  });
}
