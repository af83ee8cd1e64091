import type { IssueReport } from '@pipewatch/shared';

/** Why one line (one record) of a body was refused; `line` is 1-based. */
export interface LineError {
  line: number;
  code: 'invalid_json' | 'invalid_event' | 'invalid_batch';
  event_id?: string;
  issues: IssueReport[];
}

/** A one-sentence description of the first refusal, for the `message` of a 400. */
export function describeLineErrors(errors: readonly LineError[], what = 'pipewatch.run/v1 event'): string {
  const first = errors[0];
  if (!first) return 'nothing in the body';
  const issue = first.issues[0];
  const text =
    first.code === 'invalid_json'
      ? `line ${first.line} is not valid JSON: ${issue?.message ?? 'parse error'}`
      : `line ${first.line} is not a valid ${what}: ${issue ? `${issue.path}: ${issue.message}` : 'invalid'}`;
  const more = errors.length - 1;
  return more > 0 ? `${text} (and ${more} more line${more === 1 ? '' : 's'} refused)` : text;
}

/** Caps an error list so a huge bad body cannot make an even larger answer; the caller still counts all. */
export const MAX_REPORTED_ERRORS = 100;

export function reportable(errors: readonly LineError[]): { errors: LineError[]; errors_truncated?: true } {
  return errors.length > MAX_REPORTED_ERRORS
    ? { errors: errors.slice(0, MAX_REPORTED_ERRORS), errors_truncated: true }
    : { errors: [...errors] };
}
