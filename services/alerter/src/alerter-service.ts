import {
  Finding,
  PermanentError,
  RetryableError,
  decodeJson,
  describeIssues,
  errorMessage,
  isRetryable,
  type BatchOutcome,
  type Bus,
  type IncomingMessage,
  type Logger,
  type RetryPolicy,
  type TopicNames,
} from '@pipewatch/shared';
import { createBoundedIdSet, type BoundedIdSet } from './bounded-id-set.js';
import type { Notifier, NotifierStats } from './notify/notifier.js';
import type { FindingMark, FindingMarks, FindingSink } from './sink-port.js';
import type { SuppressionCheck } from './suppression/suppression-cache.js';
import type { Suppression } from './suppression/suppression.js';

export interface AlerterOptions {
  bus: Bus;
  topics: Pick<TopicNames, 'findings' | 'deadLetter'>;
  /** Every finding is stored in all of them. The alerter closes them when it closes. */
  sinks: FindingSink[];
  /**
   * Routes, groups and delivers notifications (Slack, webhooks). A finding is
   * acknowledged once the sinks have it and the notifier has durably claimed it.
   * Started by the alerter, closed with it.
   */
  notifier?: Notifier;
  /** Active suppressions: matching findings are stored, marked, and not notified. */
  suppressions?: SuppressionCheck;
  logger: Logger;
  group?: string;
  /** Backoff between redeliveries while a sink is failing; the bus default otherwise. */
  redelivery?: RetryPolicy;
  /** How many delivered ids each sink remembers, to skip it on a redelivery; default 10,000. */
  rememberIds?: number;
}

export interface AlerterStats {
  findings: number;
  invalid: number;
  suppressed: number;
  notifications?: NotifierStats;
  delivered: Record<string, number>;
  failed: Record<string, number>;
}

export interface Alerter {
  stats(): AlerterStats;
  close(): Promise<void>;
}

export const DEFAULT_ALERTER_GROUP = 'pipewatch-alerter';

function marksFor(findings: readonly Finding[], suppressions: readonly (Suppression | undefined)[]): FindingMarks | undefined {
  const marks = new Map<string, FindingMark>();
  findings.forEach((finding, index) => {
    const suppression = suppressions[index];
    if (!suppression) return;
    const { id, until, reason, author } = suppression;
    marks.set(finding.finding_id, { suppression: { id, until, reason, author } });
  });
  return marks.size > 0 ? marks : undefined;
}

function parseFinding(message: IncomingMessage): Finding {
  const parsed = Finding.safeParse(decodeJson(message));
  if (!parsed.success) {
    const issues = describeIssues(parsed.error).map((issue) => `${issue.path}: ${issue.message}`);
    throw new PermanentError('invalid_finding', issues.join('; '));
  }
  return parsed.data;
}

/** One error for the bus: retryable if any sink may still succeed, so the message is redelivered. */
function combineFailures(failures: { sink: string; error: unknown }[]): Error {
  const message = failures.map(({ sink, error }) => `${sink}: ${errorMessage(error)}`).join('; ');
  return failures.some(({ error }) => isRetryable(error))
    ? new RetryableError('sink_failed', message)
    : new PermanentError('sink_rejected', message);
}

/**
 * Consumes findings, a fetched batch at a time, and writes them to every sink. The handler
 * resolves only when all sinks have them, so the bus commits a finding only after it is durable
 * everywhere; until then it is redelivered, and each sink that already took it is
 * skipped.
 */
export async function startAlerter(options: AlerterOptions): Promise<Alerter> {
  const { bus, topics, sinks, logger } = options;
  if (sinks.length === 0 && !options.notifier) throw new PermanentError('no_sinks', 'the alerter needs at least one sink or a notifier');
  const group = options.group ?? DEFAULT_ALERTER_GROUP;
  const remembered = new Map<FindingSink, BoundedIdSet>(sinks.map((sink) => [sink, createBoundedIdSet(options.rememberIds ?? 10_000)]));
  const stats: AlerterStats = { findings: 0, invalid: 0, suppressed: 0, delivered: {}, failed: {} };
  const bump = (counts: Record<string, number>, sink: string): void => {
    counts[sink] = (counts[sink] ?? 0) + 1;
  };

  async function writeTo(sink: FindingSink, findings: readonly Finding[], marks: FindingMarks | undefined): Promise<void> {
    const delivered = remembered.get(sink)!;
    const fresh = findings.filter((finding) => !delivered.has(finding.finding_id));
    if (fresh.length === 0) return;
    await sink.write(fresh, marks);
    for (const finding of fresh) {
      delivered.add(finding.finding_id);
      bump(stats.delivered, sink.name);
    }
  }

  /**
   * A fetched batch at a time: one write per sink for all its findings (one Elasticsearch
   * bulk instead of one per finding), then the notifier's claims side by side. A bad
   * finding is rejected alone; a failing sink fails the batch, which the bus retries whole
   * (sinks skip what they already took) or, if the failure is permanent, hands over one
   * message at a time so only the bad one is dead-lettered.
   */
  async function handleBatch(messages: readonly IncomingMessage[]): Promise<BatchOutcome> {
    const rejected: BatchOutcome['rejected'] = [];
    const findings: Finding[] = [];
    for (const message of messages) {
      try {
        findings.push(parseFinding(message));
      } catch (error) {
        stats.invalid++;
        rejected.push({ message, error });
      }
    }
    stats.findings += findings.length;
    const suppressions = await Promise.all(findings.map((finding) => options.suppressions?.suppressionFor(finding)));
    const marks = marksFor(findings, suppressions);
    const results = await Promise.allSettled(sinks.map((sink) => writeTo(sink, findings, marks)));
    const failures = results.flatMap((result, index) =>
      result.status === 'rejected' ? [{ sink: sinks[index]!.name, error: result.reason as unknown }] : [],
    );
    if (failures.length > 0) {
      for (const { sink, error } of failures) {
        bump(stats.failed, sink);
        logger.warn('sink write failed', { sink, findings: findings.length, retryable: isRetryable(error), error: errorMessage(error) });
      }
      throw combineFailures(failures);
    }
    stats.suppressed += suppressions.filter(Boolean).length;
    // Stored first, then claimed: a claim that fails leaves the batch unacknowledged,
    // and the redelivery finds the sinks done and only claims again.
    const notifier = options.notifier;
    if (notifier) await Promise.all(findings.map((finding, index) => notifier.accept(finding, suppressions[index])));
    return { rejected };
  }

  if (options.notifier) await options.notifier.start();

  const subscription = await bus.subscribe({
    topic: topics.findings,
    group,
    batchHandler: handleBatch,
    deadLetterTopic: topics.deadLetter,
    ...(options.redelivery ? { retry: options.redelivery } : {}),
  });
  logger.info('alerter started', { topic: topics.findings, group, sinks: sinks.map((sink) => sink.name) });

  return {
    stats: () => ({ ...structuredClone(stats), ...(options.notifier ? { notifications: options.notifier.stats() } : {}) }),
    async close() {
      // Sinks close alongside the subscription rather than after it: a receiver that
      // is down must not hold shutdown for a whole retry budget. What gets cut off is
      // left uncommitted and comes back on the next start.
      await Promise.all([subscription.close(), ...sinks.map((sink) => sink.close?.())]);
      // After the subscription: no handler is claiming any more. Unsent claims stay pending.
      await options.notifier?.close();
      logger.info('alerter stopped', { ...stats });
    },
  };
}
