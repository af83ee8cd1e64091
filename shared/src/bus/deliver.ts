import { setTimeout as sleep } from 'node:timers/promises';
import { PermanentError, PipewatchError, errorMessage, isRetryable } from '../errors.js';
import { DEFAULT_RETRY, type RetryPolicy } from '../retry.js';
import { DEAD_LETTER_HEADERS, type BatchHandler, type IncomingMessage, type MessageHandler, type OutgoingMessage } from './bus-port.js';

export interface DeliveryContext {
  group: string;
  deadLetterTopic: string;
  retry?: RetryPolicy;
  publish: (topic: string, messages: OutgoingMessage[]) => Promise<void>;
  /** Aborted when the consumer is closing: stop retrying, leave the message uncommitted. */
  signal: AbortSignal;
}

export type DeliveryOutcome = 'handled' | 'dead-lettered' | 'aborted';

/**
 * The delivery policy both bus adapters share. A retryable failure is retried with
 * capped exponential backoff for as long as the consumer runs (a downstream outage
 * must hold the offset, not drop data); a permanent failure is dead-lettered so the
 * partition keeps moving.
 */
export async function deliver(
  message: IncomingMessage,
  handler: MessageHandler,
  context: DeliveryContext,
): Promise<DeliveryOutcome> {
  const policy = context.retry ?? DEFAULT_RETRY;
  for (let attempt = 0; ; attempt++) {
    if (context.signal.aborted) return 'aborted';
    try {
      await handler(message);
      return 'handled';
    } catch (error) {
      if (!isRetryable(error)) return deadLetter(message, error, context, policy);
      if (!(await backoff(policy, attempt, context.signal))) return 'aborted';
    }
  }
}

/**
 * The same policy for a batch handler: a retryable failure retries the whole batch
 * (nothing of it was committed, so per-key order holds); the messages it rejects are
 * dead-lettered one by one before the batch counts as done; any other failure hands
 * the messages over one at a time, so only the bad one is dead-lettered (a batch of
 * one is dead-lettered at once: it is already alone). Returns how
 * many leading messages are settled and may be committed: all of them, or fewer
 * when the consumer closed meanwhile.
 */
export async function deliverBatch(messages: readonly IncomingMessage[], handler: BatchHandler, context: DeliveryContext): Promise<number> {
  const policy = context.retry ?? DEFAULT_RETRY;
  for (let attempt = 0; ; attempt++) {
    if (context.signal.aborted) return 0;
    let rejected;
    try {
      ({ rejected } = await handler(messages));
    } catch (error) {
      if (!isRetryable(error)) {
        // A lone message is already isolated: dead-letter it rather than hand it over again.
        if (messages.length === 1) return (await deadLetter(messages[0]!, error, context, policy)) === 'aborted' ? 0 : 1;
        return deliverOneByOne(messages, handler, context);
      }
      if (!(await backoff(policy, attempt, context.signal))) return 0;
      continue;
    }
    for (const { message, error } of rejected) {
      if ((await deadLetter(message, error, context, policy)) === 'aborted') return 0;
    }
    return messages.length;
  }
}

async function deliverOneByOne(messages: readonly IncomingMessage[], handler: BatchHandler, context: DeliveryContext): Promise<number> {
  const alone: MessageHandler = async (message) => {
    const { rejected } = await handler([message]);
    if (rejected.length > 0) throw asPermanent(rejected[0]!.error);
  };
  for (let index = 0; index < messages.length; index++) {
    if ((await deliver(messages[index]!, alone, context)) === 'aborted') return index;
  }
  return messages.length;
}

/** A rejection is final whatever error carries it. */
function asPermanent(error: unknown): unknown {
  return isRetryable(error) ? new PermanentError('rejected', errorMessage(error), error) : error;
}

/** Waits before the next attempt; false when the consumer closed meanwhile. */
async function backoff(policy: RetryPolicy, attempt: number, signal: AbortSignal): Promise<boolean> {
  const delay = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** Math.min(attempt, 20));
  try {
    await sleep(Math.round(delay * (0.5 + Math.random() * 0.5)), undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

/**
 * Publishes to the dead-letter topic, retrying until it takes the message: the
 * offset may only move on once the message is stored somewhere (a full or
 * unreachable dead-letter topic must hold the partition, not drop data).
 */
async function deadLetter(
  message: IncomingMessage,
  error: unknown,
  context: DeliveryContext,
  policy: RetryPolicy,
): Promise<DeliveryOutcome> {
  // Tried at least once even while closing: the handler's verdict is final.
  for (let attempt = 0; ; attempt++) {
    try {
      await publishDeadLetter(message, error, context);
      return 'dead-lettered';
    } catch {
      if (!(await backoff(policy, attempt, context.signal))) return 'aborted';
    }
  }
}

async function publishDeadLetter(message: IncomingMessage, error: unknown, context: DeliveryContext): Promise<void> {
  const code = error instanceof PipewatchError ? error.code : 'unknown';
  await context.publish(context.deadLetterTopic, [
    {
      key: message.key,
      value: message.value,
      headers: {
        ...message.headers,
        [DEAD_LETTER_HEADERS.reason]: errorMessage(error).slice(0, 2000),
        [DEAD_LETTER_HEADERS.code]: code,
        [DEAD_LETTER_HEADERS.topic]: message.topic,
        [DEAD_LETTER_HEADERS.partition]: String(message.partition),
        [DEAD_LETTER_HEADERS.offset]: message.offset,
        [DEAD_LETTER_HEADERS.group]: context.group,
      },
    },
  ]);
}

/** Decodes a JSON message value or fails permanently (it can never decode later). */
export function decodeJson(message: IncomingMessage): unknown {
  try {
    return JSON.parse(message.value);
  } catch (error) {
    throw new PermanentError('undecodable', `message at ${message.topic}/${message.partition}@${message.offset} is not JSON: ${errorMessage(error)}`);
  }
}
