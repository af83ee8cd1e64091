import pRetry, { AbortError } from 'p-retry';
import { isRetryable } from './errors.js';

export interface RetryPolicy {
  /** Attempts after the first one. */
  retries: number;
  minDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 5, minDelayMs: 100, maxDelayMs: 10_000 };

/**
 * Runs `task` with exponential backoff and full jitter (p-retry), stopping at once
 * on a permanent error. One helper so every retry loop in pipewatch behaves alike.
 */
export async function withRetry<T>(
  task: (attempt: number) => Promise<T>,
  policy: RetryPolicy = DEFAULT_RETRY,
  onRetry?: (error: unknown, attempt: number) => void,
  signal?: AbortSignal,
): Promise<T> {
  return pRetry(
    async (attempt) => {
      try {
        return await task(attempt);
      } catch (error) {
        if (!isRetryable(error)) throw new AbortError(error instanceof Error ? error : String(error));
        throw error;
      }
    },
    {
      retries: policy.retries,
      minTimeout: policy.minDelayMs,
      maxTimeout: policy.maxDelayMs,
      factor: 2,
      randomize: true,
      ...(signal ? { signal } : {}),
      onFailedAttempt: (context) => onRetry?.(context.error, context.attemptNumber),
    },
  );
}
