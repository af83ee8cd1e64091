import { PermanentError, PipewatchError, RetryableError } from '@pipewatch/shared';
import { HttpFailure, sendHttpRequest } from '../http/http-request.js';
import type { WebhookTarget } from '../sinks/webhook-target.js';
import type { AddressPolicy } from './address-policy.js';
import { assertDestinationAllowed, guardedLookup, systemResolveAll, type ResolveAll } from './destination-guard.js';

export const USER_AGENT = 'pipewatch/0.1';

export interface PostJsonInput {
  target: WebhookTarget;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  policy: AddressPolicy;
  /** Aborts the request (shutdown). */
  signal?: AbortSignal;
  /** For tests: a resolver to judge instead of the system's. */
  resolveAll?: ResolveAll;
}

/** 408 and 429 say "not now"; every other 4xx says the request itself is wrong. */
function failureFor(status: number, target: WebhookTarget): PipewatchError {
  if (status === 408 || status === 429 || status >= 500) {
    return new RetryableError('webhook_unavailable', `${target.display} answered ${status}`);
  }
  if (status >= 300 && status < 400) {
    // Following a redirect would hand a signed body to a host nobody configured.
    return new PermanentError('webhook_redirect', `${target.display} answered ${status} (redirect); configure the final URL`);
  }
  return new PermanentError('webhook_rejected', `${target.display} rejected the request with status ${status}`);
}

/**
 * One POST of a JSON body to a notification destination, after the address check.
 * Resolves on 2xx; otherwise throws a RetryableError (timeouts, network errors,
 * 408 / 429 / 5xx) or a PermanentError (refused destination, other 3xx / 4xx).
 * Errors and logs name the target's display form only, never its secrets.
 */
export async function postJson(input: PostJsonInput): Promise<void> {
  const { target, timeoutMs, policy } = input;
  const url = new URL(target.url);
  const resolveAll = input.resolveAll ?? systemResolveAll;
  await assertDestinationAllowed(url, policy, resolveAll);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': USER_AGENT, ...input.headers };
  if (target.authorization) headers.authorization = target.authorization;
  let status: number;
  try {
    const response = await sendHttpRequest({
      url,
      method: 'POST',
      headers,
      body: input.body,
      timeoutMs,
      ...(input.signal ? { signal: input.signal } : {}),
      ...(policy === 'any' ? {} : { lookup: guardedLookup(policy, resolveAll) }),
      maxResponseBytes: 4096,
    });
    status = response.status;
  } catch (error) {
    // The lookup refused the address while connecting: as final as the check above.
    const cause = error instanceof HttpFailure ? error.cause : error;
    if (cause instanceof PipewatchError) throw cause;
    if (error instanceof HttpFailure && error.kind === 'timeout') {
      throw new RetryableError('webhook_timeout', `${target.display} did not answer within ${timeoutMs} ms`, error);
    }
    if (error instanceof HttpFailure && error.kind === 'aborted') throw new RetryableError('sink_closed', `sending to ${target.display} was stopped`, error);
    throw new RetryableError('webhook_unreachable', `${target.display} unreachable: ${(error as Error).message}`, error);
  }
  if (status < 200 || status >= 300) throw failureFor(status, target);
}
