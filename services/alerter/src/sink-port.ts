import type { Finding } from '@pipewatch/shared';

/**
 * Where findings end up. `write` resolves only once the findings are durably
 * stored or delivered, because the bus commits the message as soon as it does.
 * Failures are a RetryableError (try again later: the bus redelivers) or a
 * PermanentError (cannot succeed: the bus dead-letters). Sinks must be idempotent
 * per `finding_id`, since a redelivery can hand them a finding they already took.
 */
export interface FindingSink {
  name: string;
  write(findings: Finding[]): Promise<void>;
  close?(): Promise<void>;
}
