import type { IssueReport, RunEvent } from '@pipewatch/shared';

/** Why a well-formed delivery carries nothing to baseline. A bounded set: it is a metric label. */
export type IgnoreReason =
  | 'unsupported_event'
  | 'not_completed'
  | 'not_finished'
  | 'phase_not_final';

/**
 * What a mapper makes of one delivery. `event` is a candidate: the route still
 * validates it against the contract before anything is published.
 */
export type MapResult =
  | { kind: 'event'; event: RunEvent }
  | { kind: 'ignored'; reason: IgnoreReason; detail: string }
  | { kind: 'invalid'; issues: IssueReport[] };

export const ignored = (reason: IgnoreReason, detail: string): MapResult => ({ kind: 'ignored', reason, detail });

/** A delivery with no usable time cannot be placed in a baseline's history. */
export const missingTime = (path: string): MapResult => ({
  kind: 'invalid',
  issues: [{ path, message: 'the payload has no usable time (expected an ISO 8601 timestamp)' }],
});
