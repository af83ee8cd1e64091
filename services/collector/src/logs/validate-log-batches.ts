import { LogBatch, describeIssues } from '@pipewatch/shared';
import { claimedEventId } from '../ingest/claimed-event-id.js';
import type { LineError } from '../ingest/line-error.js';
import type { BodyRecord } from '../ingest/split-body.js';

const MAX_ISSUES_PER_LINE = 20;

export function validateLogBatches(records: readonly BodyRecord[]): { valid: LogBatch[]; errors: LineError[] } {
  const valid: LogBatch[] = [];
  const errors: LineError[] = [];
  for (const record of records) {
    const result = LogBatch.safeParse(record.value);
    if (result.success) {
      valid.push(result.data);
      continue;
    }
    const eventId = claimedEventId(record.value);
    errors.push({
      line: record.line,
      code: 'invalid_batch',
      ...(eventId === undefined ? {} : { event_id: eventId }),
      issues: describeIssues(result.error).slice(0, MAX_ISSUES_PER_LINE),
    });
  }
  return { valid, errors };
}

/** Lines a body claims to carry, counted before validation so an oversized upload is refused as such (413). */
export function claimedLineCount(records: readonly BodyRecord[]): number {
  let total = 0;
  for (const { value } of records) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const lines = (value as { lines?: unknown }).lines;
      if (Array.isArray(lines)) total += lines.length;
    }
  }
  return total;
}
