import { RunEvent, describeIssues } from '@pipewatch/shared';
import type { BodyRecord } from './split-body.js';
import type { LineError } from './line-error.js';
import { claimedEventId } from './claimed-event-id.js';

/** A schema-valid event and the body line it came from. */
export interface ValidEvent {
  line: number;
  event: RunEvent;
}

/** One event can carry thousands of issues (a long bad array); the first few say enough. */
const MAX_ISSUES_PER_LINE = 20;

export function validateRecords(records: readonly BodyRecord[]): { valid: ValidEvent[]; errors: LineError[] } {
  const valid: ValidEvent[] = [];
  const errors: LineError[] = [];
  for (const record of records) {
    const result = RunEvent.safeParse(record.value);
    if (result.success) {
      valid.push({ line: record.line, event: result.data });
      continue;
    }
    const eventId = claimedEventId(record.value);
    errors.push({
      line: record.line,
      code: 'invalid_event',
      ...(eventId === undefined ? {} : { event_id: eventId }),
      issues: describeIssues(result.error).slice(0, MAX_ISSUES_PER_LINE),
    });
  }
  return { valid, errors };
}
