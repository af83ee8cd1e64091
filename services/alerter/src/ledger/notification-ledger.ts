import type { Finding } from '@pipewatch/shared';

/**
 * The life of one (destination, finding) notification:
 * `pending` (claimed, waiting in a group or being sent), then `sent` or `dead`
 * (dead-lettered after the retry budget); `suppressed` when a suppression
 * silenced it instead. Only `pending` ever changes.
 */
export type NotificationState = 'pending' | 'sent' | 'dead' | 'suppressed';

export interface NotificationEntry {
  destination: string;
  finding: Finding;
}

export interface SettledKey {
  destination: string;
  finding_id: string;
}

/** The durable record of what was (or is about to be) notified where. */
export interface NotificationLedger {
  /**
   * Records each entry, durably, in `state` unless the ledger already knows that
   * (destination, finding_id), in any state. Resolves with the entries that were
   * new: only those may be sent. This is what makes a redelivered finding, or
   * one seen again after a restart, notify no one a second time.
   */
  claim(entries: NotificationEntry[], state: 'pending' | 'suppressed', note?: { suppression_id?: string }): Promise<NotificationEntry[]>;
  /**
   * Pending entries this process should send now that nobody else is sending:
   * on the first call, what a previous run left behind (a crash in a grouping
   * window or during retries); later, entries whose owner stopped renewing them.
   */
  takeOver(): Promise<NotificationEntry[]>;
  /** Keeps this process's pending claims its own (a lease); a no-op where only one process writes. */
  renew(): Promise<void>;
  settle(keys: SettledKey[], state: 'sent' | 'dead'): Promise<void>;
  close(): Promise<void>;
}

export function ledgerKey(destination: string, findingId: string): string {
  return `${destination}:${findingId}`;
}
