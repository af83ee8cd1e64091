import { LOG_SCHEMA, MAX_LOG_LINES, redactLines, redactText, type LogBatch } from '@pipewatch/shared';
import { textLogEventId } from './log-event-id.js';
import type { TextLogQuery } from './log-query.js';
import type { LogBatchRedaction } from './redact-log-batch.js';
import { MAX_LINE_CHARS } from './split-text-lines.js';

/**
 * A text/plain upload as redacted log batches: one log line per text line, and
 * as many batches as the schema's per-batch limit needs (a higher
 * PIPEWATCH_MAX_LOG_LINES is honoured that way). The whole upload is redacted
 * before it is cut, into batches or at 64 KiB a line, so a secret spanning a cut
 * is still masked whole. Ids come from the redacted text (or `?batch=`), so they
 * are deterministic and never derived from a secret.
 */
export function textLogBatches(lines: readonly string[], query: TextLogQuery, knownValues: readonly string[]): LogBatchRedaction[] {
  const redacted = redactLines(lines, knownValues);
  const counts = { ...redacted.counts };
  let step = query.step;
  if (step !== undefined) {
    const result = redactText(step, knownValues);
    step = result.text.slice(0, 500);
    for (const [kind, n] of Object.entries(result.counts)) counts[kind] = (counts[kind] ?? 0) + n;
  }
  const texts = redacted.lines.map((line) => line.slice(0, MAX_LINE_CHARS));
  const chunks: string[][] = [];
  for (let start = 0; start < texts.length; start += MAX_LOG_LINES) chunks.push(texts.slice(start, start + MAX_LOG_LINES));

  return chunks.map((chunk, index) => {
    const part = chunks.length === 1 ? undefined : String(index);
    const batch: LogBatch = {
      schema: LOG_SCHEMA,
      event_id: textLogEventId({ pipeline: query.pipeline, run: query.run, step, batch: query.batch, part, redactedLines: chunk }),
      source: query.source,
      pipeline: { id: query.pipeline },
      run: { id: query.run },
      ...(step === undefined ? {} : { step }),
      lines: chunk.map((text) => ({ text })),
    };
    // The upload's redactions are reported once, with its first batch.
    const own = index === 0 ? counts : {};
    return { batch, counts: own, total: Object.values(own).reduce((sum, n) => sum + n, 0) };
  });
}
