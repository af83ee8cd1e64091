import type { Finding } from '@pipewatch/shared';

/** What the alerter learned about a finding before storing it. */
export interface FindingMark {
  /** The suppression that silences it: stored, marked, not notified. */
  suppression: { id: string; until: string; reason: string; author: string };
}

/** Marks by finding_id; findings without an entry are unmarked. */
export type FindingMarks = ReadonlyMap<string, FindingMark>;

/**
 * Where findings end up. `write` resolves only once the findings are durably
 * stored or delivered, because the bus commits the message as soon as it does.
 * Failures are a RetryableError (try again later: the bus redelivers) or a
 * PermanentError (cannot succeed: the bus dead-letters). Sinks must be idempotent
 * per `finding_id`, since a redelivery can hand them a finding they already took.
 * Sinks that can record marks (Elasticsearch: `pipewatch.suppressed`) do; others
 * store the finding as it is.
 */
export interface FindingSink {
  name: string;
  write(findings: Finding[], marks?: FindingMarks): Promise<void>;
  close?(): Promise<void>;
}
