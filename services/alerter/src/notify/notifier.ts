import { errorMessage, type Finding, type Logger } from '@pipewatch/shared';
import type { DeadLetterStore } from '../deadletter/dead-letter-store.js';
import { ledgerKey, type NotificationEntry, type NotificationLedger } from '../ledger/notification-ledger.js';
import { createSettleBatcher } from '../ledger/settle-batcher.js';
import type { Router } from '../routing/route-finding.js';
import type { Suppression } from '../suppression/suppression.js';
import type { Destination } from './destination.js';
import { createDestinationChannel, type ChannelStats, type DestinationChannel } from './destination-channel.js';
import { sendNotificationOnce, type SendSettings } from './send-notification.js';

export interface NotifierOptions {
  destinations: Destination[];
  router: Router;
  ledger: NotificationLedger;
  deadLetters: DeadLetterStore;
  send: SendSettings;
  /** Grouping window per run (PIPEWATCH_GROUP_WINDOW_MS). */
  windowMs: number;
  logger: Logger;
  /** How often to renew this process's claims and look for abandoned ones; default 10 s. */
  sweepMs?: number;
  /** How long `close` lets queued notifications finish before cutting them off; default 3 s. */
  closeGraceMs?: number;
  now?: () => Date;
}

export interface NotifierStats {
  /** Findings handed in (routed or not). */
  accepted: number;
  /** Notifications claimed for a destination. */
  claimed: number;
  /** Claims refused because the (destination, finding) was already known: redeliveries, restarts. */
  duplicates: number;
  suppressed: number;
  /** Pending claims picked up from a previous run or a vanished alerter. */
  resumed: number;
  channels: Record<string, ChannelStats>;
}

export interface Notifier {
  /** Starts the channels and resumes what a previous run left pending. */
  start(): Promise<void>;
  /**
   * Routes a finding and claims it, durably, for each destination; resolves once
   * the claims are stored, before anything is sent. A suppressed finding is
   * claimed as `suppressed` instead, so it is never sent, even later.
   */
  accept(finding: Finding, suppression?: Suppression): Promise<void>;
  stats(): NotifierStats;
  /** Sends what is gathered, waits a grace period, then stops; unsent claims stay pending. */
  close(): Promise<void>;
  /** Stops at once, without sending what is gathered (a hard stop); unsent claims stay pending. */
  abort(): Promise<void>;
}

/**
 * Findings → routed, claimed, grouped and delivered notifications. The alerter
 * acknowledges a finding once `accept` resolved: from then on the claim in the
 * ledger, not the bus, holds it, and a crash during the grouping window or the
 * retries leaves it pending for the next start (or another alerter) to send.
 */
export function createNotifier(options: NotifierOptions): Notifier {
  const { ledger, logger } = options;
  const byName = new Map(options.destinations.map((destination) => [destination.name, destination]));
  const stats = { accepted: 0, claimed: 0, duplicates: 0, suppressed: 0, resumed: 0 };
  // Claims this process is holding in a window, a queue or a request, so a sweep that
  // takes over an expired claim of our own does not queue it twice.
  const holding = new Set<string>();
  const channels = new Map<string, DestinationChannel>();
  const settles = createSettleBatcher(ledger);
  for (const destination of options.destinations) {
    channels.set(
      destination.name,
      createDestinationChannel({
        destination,
        windowMs: options.windowMs,
        settle: async (keys, state) => {
          for (const key of keys) holding.delete(ledgerKey(key.destination, key.finding_id));
          await settles.settle(keys, state);
        },
        deadLetters: options.deadLetters,
        logger,
        send: (notification, signal) => sendNotificationOnce(destination, notification, options.send, signal),
        ...(options.now ? { now: options.now } : {}),
      }),
    );
  }
  let sweepTimer: NodeJS.Timeout | undefined;
  let sweeping: Promise<void> | undefined;

  function hand(entries: NotificationEntry[]): void {
    for (const { destination, finding } of entries) {
      const key = ledgerKey(destination, finding.finding_id);
      if (holding.has(key)) continue;
      const channel = channels.get(destination);
      if (!channel) {
        logger.warn('pending notification for a destination that is no longer configured; left pending', { destination });
        continue;
      }
      holding.add(key);
      channel.add(finding);
    }
  }

  async function sweep(): Promise<void> {
    try {
      await ledger.renew();
      const resumed = await ledger.takeOver();
      stats.resumed += resumed.length;
      hand(resumed);
      if (resumed.length > 0) logger.info('resumed pending notifications', { count: resumed.length });
    } catch (error) {
      logger.warn('notification ledger sweep failed', { error: errorMessage(error) });
    }
  }

  return {
    async start() {
      // At start a failure is not swallowed: an unreadable ledger should stop the alerter.
      const resumed = await ledger.takeOver();
      stats.resumed += resumed.length;
      hand(resumed);
      logger.info('notifier started', { destinations: [...channels.keys()], window_ms: options.windowMs, resumed: resumed.length });
      const every = options.sweepMs ?? 10_000;
      sweepTimer = setInterval(() => {
        sweeping ??= sweep().finally(() => (sweeping = undefined));
      }, every);
      sweepTimer.unref();
    },
    async accept(finding, suppression) {
      stats.accepted++;
      const names = options.router(finding).filter((name) => byName.has(name));
      if (names.length === 0) return;
      const entries = names.map((destination) => ({ destination, finding }));
      if (suppression) {
        await ledger.claim(entries, 'suppressed', { suppression_id: suppression.id });
        stats.suppressed++;
        return;
      }
      const fresh = await ledger.claim(entries, 'pending');
      stats.claimed += fresh.length;
      stats.duplicates += entries.length - fresh.length;
      hand(fresh);
    },
    stats: () => ({ ...stats, channels: Object.fromEntries([...channels].map(([name, channel]) => [name, channel.stats()])) }),
    async close() {
      if (sweepTimer) clearInterval(sweepTimer);
      await sweeping;
      // Send what is gathered rather than wait out the windows; whatever is not done
      // within the grace period stays pending in the ledger for the next start.
      for (const channel of channels.values()) channel.flush();
      const grace = options.closeGraceMs ?? 3_000;
      await Promise.all([...channels.values()].map((channel) => channel.drain(grace)));
      for (const channel of channels.values()) channel.abort();
      // Record what was delivered; a ledger that does not answer within the grace leaves it pending.
      await Promise.race([settles.drain(), new Promise((resolve) => setTimeout(resolve, grace).unref())]);
      await ledger.close();
    },
    async abort() {
      if (sweepTimer) clearInterval(sweepTimer);
      for (const channel of channels.values()) channel.abort();
      await sweeping;
      await ledger.close();
    },
  };
}
