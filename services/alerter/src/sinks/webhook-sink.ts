import { PermanentError, RetryableError, errorMessage, withRetry, type Finding, type Logger, type RetryPolicy } from '@pipewatch/shared';
import type { AddressPolicy } from '../outbound/address-policy.js';
import { postJson } from '../outbound/post-json.js';
import { signatureHeaders } from '../signing/signature-headers.js';
import type { FindingSink } from '../sink-port.js';
import { parseWebhookTarget } from './webhook-target.js';

export interface WebhookSinkOptions {
  url: string;
  /** When set, every request carries X-Pipewatch-Timestamp and X-Pipewatch-Signature. */
  secret?: string;
  timeoutMs: number;
  retry: RetryPolicy;
  logger: Logger;
  name?: string;
  /** Which addresses the URL may resolve to; default `public` (see address-policy.ts). */
  addressPolicy?: AddressPolicy;
}

/**
 * POSTs each finding as its own JSON request before `write` resolves, retrying
 * transient failures with backoff. Unlike the notifier's destinations it holds the
 * bus message until the receiver answered, for deployments that want exactly that.
 */
export function createWebhookSink(options: WebhookSinkOptions): FindingSink {
  const { secret, timeoutMs, retry } = options;
  if (secret !== undefined && secret.length === 0) throw new PermanentError('invalid_webhook_secret', 'the webhook secret is empty');
  const target = parseWebhookTarget(options.url);
  const policy = options.addressPolicy ?? 'public';
  const name = options.name ?? 'webhook';
  const logger = options.logger.child({ sink: name, target: target.display });
  const closing = new AbortController();

  async function deliver(finding: Finding): Promise<void> {
    const body = JSON.stringify(finding);
    const send = (): Promise<void> =>
      postJson({
        target,
        body,
        headers: { 'x-pipewatch-finding-id': finding.finding_id, ...(secret !== undefined ? signatureHeaders(secret, body) : {}) },
        timeoutMs,
        policy,
        signal: closing.signal,
      });
    try {
      await withRetry(
        send,
        retry,
        (error, attempt) => logger.warn('webhook attempt failed', { finding_id: finding.finding_id, attempt, error: errorMessage(error) }),
        closing.signal,
      );
    } catch (error) {
      if (closing.signal.aborted) throw new RetryableError('sink_closed', `webhook sink ${name} is closed`, error);
      throw error;
    }
  }

  logger.info('webhook sink ready', { signed: secret !== undefined, timeout_ms: timeoutMs });

  return {
    name,
    async write(findings) {
      // In order, one at a time: a receiver sees findings in the order they were produced.
      for (const finding of findings) await deliver(finding);
    },
    async close() {
      // Stops retry loops at once; an interrupted finding stays uncommitted and comes back.
      closing.abort();
    },
  };
}
