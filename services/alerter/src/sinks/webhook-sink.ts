import {
  PermanentError,
  RetryableError,
  errorMessage,
  withRetry,
  type Finding,
  type Logger,
  type PipewatchError,
  type RetryPolicy,
} from '@pipewatch/shared';
import { signPayload } from '../signing/sign-payload.js';
import type { FindingSink } from '../sink-port.js';
import { parseWebhookTarget, type WebhookTarget } from './webhook-target.js';

export interface WebhookSinkOptions {
  url: string;
  /** When set, every request carries X-Pipewatch-Timestamp and X-Pipewatch-Signature. */
  secret?: string;
  timeoutMs: number;
  retry: RetryPolicy;
  logger: Logger;
  name?: string;
}

export const USER_AGENT = 'pipewatch/0.1';

/** 408 and 429 say "not now"; every other 4xx says the request itself is wrong. */
function failureFor(status: number, target: WebhookTarget): PipewatchError {
  if (status === 408 || status === 429 || status >= 500) {
    return new RetryableError('webhook_unavailable', `${target.display} answered ${status}`);
  }
  if (status >= 300 && status < 400) {
    // Following a redirect would hand a signed finding to a host nobody configured.
    return new PermanentError('webhook_redirect', `${target.display} answered ${status} (redirect); configure the final URL`);
  }
  return new PermanentError('webhook_rejected', `${target.display} rejected the finding with status ${status}`);
}

/** POSTs each finding as its own JSON request, retrying transient failures with backoff. */
export function createWebhookSink(options: WebhookSinkOptions): FindingSink {
  const { secret, timeoutMs, retry } = options;
  if (secret !== undefined && secret.length === 0) throw new PermanentError('invalid_webhook_secret', 'the webhook secret is empty');
  const target = parseWebhookTarget(options.url);
  const name = options.name ?? 'webhook';
  const logger = options.logger.child({ sink: name, target: target.display });
  const closing = new AbortController();

  function headersFor(finding: Finding, body: string): Record<string, string> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      'x-pipewatch-finding-id': finding.finding_id,
    };
    if (target.authorization) headers.authorization = target.authorization;
    if (secret !== undefined) {
      // Signed per attempt, so a late retry does not arrive with a stale timestamp.
      const timestamp = Math.floor(Date.now() / 1000);
      headers['x-pipewatch-timestamp'] = String(timestamp);
      headers['x-pipewatch-signature'] = signPayload(secret, timestamp, body);
    }
    return headers;
  }

  async function postOnce(finding: Finding, body: string): Promise<void> {
    let response: Response;
    try {
      response = await fetch(target.url, {
        method: 'POST',
        headers: headersFor(finding, body),
        body,
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), closing.signal]),
      });
    } catch (error) {
      if (closing.signal.aborted) throw new RetryableError('sink_closed', `webhook sink ${name} is closed`);
      if ((error as Error).name === 'TimeoutError') {
        throw new RetryableError('webhook_timeout', `${target.display} did not answer within ${timeoutMs} ms`, error);
      }
      const cause = (error as Error).cause;
      const detail = cause instanceof Error ? cause.message : errorMessage(error);
      throw new RetryableError('webhook_unreachable', `${target.display} unreachable: ${detail}`, error);
    }
    // The receiver's body is not needed; dropping it frees the connection.
    await response.body?.cancel().catch(() => undefined);
    if (!response.ok) throw failureFor(response.status, target);
  }

  async function deliver(finding: Finding): Promise<void> {
    const body = JSON.stringify(finding);
    try {
      await withRetry(
        () => postOnce(finding, body),
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
