import { randomBytes } from 'node:crypto';
import { LOG_SCHEMA, redactText, type LogBatch, type RunEvent } from '@pipewatch/shared';
import { createDelivery, type Delivery, type DeliveryStats } from './delivery.js';
import type { CiMetadata } from './detect-ci-metadata.js';
import { logBatchId, runEventId } from './event-ids.js';
import type { ForwarderSettings } from './forwarder-settings.js';
import { createHttpClient } from './http-client.js';
import { createLineSplitter, MAX_LINE_CHARS, type LineSplitter } from './line-splitter.js';
import { createLogShipper, type LogShipper } from './log-shipper.js';
import { createSpool } from './spool.js';

export interface Shipping {
  readonly eventId: string;
  readonly spoolPath: string;
  /** A splitter whose lines are redacted, batched and shipped as `stream`. */
  lines(stream: 'stdout' | 'stderr'): LineSplitter;
  sendEvent(event: RunEvent): void;
  /**
   * A partial observation: worth something only while the job runs, so it is sent once,
   * beside the queue, and never retried or spooled; the final run event carries it all.
   */
  sendPartial(event: RunEvent, waitMs?: number): Promise<unknown[] | undefined>;
  /** Partial observations sent and accepted. */
  partials(): { sent: number; accepted: number };
  /** Ends the log batching and delivers (or spools) everything within the flush timeout. */
  finish(): Promise<void>;
  stats(): DeliveryStats;
}

/**
 * Everything between the command's output and the collector: line splitting,
 * redaction, batching, retries and the spool. Earlier runs' spooled data is queued
 * first, so it reaches the collector before this run's.
 */
export function createShipping(settings: ForwarderSettings, metadata: CiMetadata, now: () => Date = () => new Date()): Shipping {
  const spool = createSpool({ dir: settings.spoolDir, maxBytes: settings.spoolMaxBytes });
  const client = createHttpClient({ baseUrl: settings.collectorUrl, token: settings.token, timeoutMs: settings.requestTimeoutMs });
  const delivery: Delivery = createDelivery({ client, spool, retry: settings.retry, cooldownMs: settings.cooldownMs });
  delivery.resendSpooled();

  const eventId = runEventId({
    pipelineId: metadata.pipeline.id,
    runId: metadata.run.id,
    attempt: metadata.attemptKey ?? metadata.run.attempt,
    step: settings.step,
  });
  const invocation = randomBytes(4).toString('hex');
  const knownSecrets = settings.token ? [settings.token] : [];
  let sequence = 0;
  const partials = { sent: 0, accepted: 0 };
  const inFlight = trackedPromises();
  const shipper: LogShipper = createLogShipper({
    maxLines: settings.batchLines,
    intervalMs: settings.batchIntervalMs,
    emit(lines) {
      sequence += 1;
      const batch: LogBatch = {
        schema: LOG_SCHEMA,
        event_id: logBatchId(eventId, invocation, sequence),
        source: 'agent',
        pipeline: { id: metadata.pipeline.id },
        run: { id: metadata.run.id },
        ...(settings.step ? { step: settings.step } : {}),
        lines,
      };
      delivery.send({ kind: 'logs', body: batch });
    },
  });

  return {
    eventId,
    spoolPath: spool.path,
    lines(stream) {
      // The collector redacts too; doing it here keeps secrets out of the spool file on the runner.
      return createLineSplitter((text) => shipper.add({ text: redactText(text, knownSecrets).text.slice(0, MAX_LINE_CHARS), ts: now().toISOString(), stream }));
    },
    sendEvent(event) {
      delivery.send({ kind: 'event', body: event });
    },
    sendPartial(event, waitMs) {
      if (delivery.stats().state === 'down') return Promise.resolve(undefined);
      partials.sent++;
      // With a wait, the collector answers once the detector judged it, with the run's findings so far.
      const path = waitMs !== undefined ? `/v1/events?wait_ms=${waitMs}` : '/v1/events';
      const sent = client
        .postJson(path, event)
        .then((reply) => {
          partials.accepted++;
          const findings = (reply.body as { findings?: unknown } | undefined)?.findings;
          return Array.isArray(findings) ? (findings as unknown[]) : undefined;
        })
        .catch(() => undefined);
      inFlight.add(sent);
      return sent;
    },
    partials: () => ({ ...partials }),
    async finish() {
      shipper.close();
      await Promise.race([Promise.all(inFlight.promises), new Promise((resolve) => setTimeout(resolve, settings.requestTimeoutMs).unref())]);
      await delivery.finish(settings.flushTimeoutMs);
    },
    stats: () => delivery.stats(),
  };
}

/** Promises still running, each forgotten once settled. */
function trackedPromises(): { add(promise: Promise<unknown>): void; readonly promises: Promise<unknown>[] } {
  const running = new Set<Promise<unknown>>();
  return {
    add(promise) {
      running.add(promise);
      void promise.finally(() => running.delete(promise));
    },
    get promises() {
      return [...running];
    },
  };
}
