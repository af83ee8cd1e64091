import type { IssueReport } from '@pipewatch/shared';

/** Why one line (one event) of a body was refused; `line` is 1-based. */
export interface LineError {
  line: number;
  code: 'invalid_json' | 'invalid_event';
  event_id?: string;
  issues: IssueReport[];
}

/** A one-sentence description of the first refusal, for the `message` of a 400. */
export function describeLineErrors(errors: readonly LineError[]): string {
  const first = errors[0];
  if (!first) return 'no events in the body';
  const issue = first.issues[0];
  const what =
    first.code === 'invalid_json'
      ? `line ${first.line} is not valid JSON: ${issue?.message ?? 'parse error'}`
      : `line ${first.line} is not a valid pipewatch.run/v1 event: ${issue ? `${issue.path}: ${issue.message}` : 'invalid'}`;
  const more = errors.length - 1;
  return more > 0 ? `${what} (and ${more} more line${more === 1 ? '' : 's'} refused)` : what;
}
