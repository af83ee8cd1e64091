import type { RetryPolicy } from '../retry.js';

/** A message to publish. `key` decides the partition, so one key's messages keep their order. */
export interface OutgoingMessage {
  key: string;
  value: string;
  /** A binary record (the detector's encoded baselines): published instead of `value`. */
  bytes?: Uint8Array;
  headers?: Record<string, string>;
}

export interface IncomingMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string;
  /** The value as UTF-8 text. */
  value: string;
  /** The value's bytes, for binary records: always from Kafka, from memory when published as bytes. */
  bytes?: Uint8Array;
  headers: Record<string, string>;
}

/** Resolve to acknowledge; throw a RetryableError to get the message again, a PermanentError to dead-letter it. */
export type MessageHandler = (message: IncomingMessage) => Promise<void>;

/** A message of a batch that can never be handled: it is dead-lettered with `error` as the reason. */
export interface RejectedMessage {
  message: IncomingMessage;
  error: unknown;
}

export interface BatchOutcome {
  /** Messages that failed permanently; every other message of the batch counts as handled. */
  rejected: RejectedMessage[];
}

/**
 * Handles what was fetched from one partition at once, in offset order. Resolve once
 * the whole batch's downstream writes are durable (the offsets are committed after);
 * throw a RetryableError (or any unknown error) to get the whole batch again; a
 * PermanentError makes the bus hand the messages over one at a time, so the bad one
 * can be dead-lettered alone.
 */
export type BatchHandler = (messages: readonly IncomingMessage[]) => Promise<BatchOutcome>;

export interface SubscribeOptions {
  topic: string;
  /** Consumers of one group share the topic's partitions; every group sees every message. */
  group: string;
  /** Exactly one of `handler` (per message) and `batchHandler` (per fetched batch). */
  handler?: MessageHandler;
  batchHandler?: BatchHandler;
  /** Largest batch a batch handler is given (DEFAULT_MAX_BATCH_SIZE unless set). */
  maxBatchSize?: number;
  /** Where messages that fail permanently go, with the reason in their headers. */
  deadLetterTopic: string;
  /** Backoff between redeliveries of a message that failed with a retryable error. */
  retry?: RetryPolicy;
  /** Called when a consumer is given partitions (Kafka rebalances; in memory: once, all of them). */
  onAssign?: (partitions: number[]) => Promise<void>;
}

/** Largest batch given to a batch handler unless the subscription asks otherwise. */
export const DEFAULT_MAX_BATCH_SIZE = 500;

/** The subscription's one handler, checked: a subscription with none or both is a programming error. */
export function chooseHandler(options: SubscribeOptions): { handler: MessageHandler } | { batchHandler: BatchHandler } {
  if (options.handler && !options.batchHandler) return { handler: options.handler };
  if (options.batchHandler && !options.handler) return { batchHandler: options.batchHandler };
  throw new Error(`subscription to ${options.topic} needs exactly one of handler and batchHandler`);
}

export interface Subscription {
  /** Stops taking new messages, waits for the ones in flight and commits them. */
  close(): Promise<void>;
}

/** The one port all services talk through: Kafka in distributed mode, memory in the embedded default. */
export interface Bus {
  publish(topic: string, messages: OutgoingMessage[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /**
   * Every message published to `topic` after the returned promise resolves, from every
   * partition, to this process alone: no consumer group shares it, nothing is committed,
   * nothing is replayed. For caches of the present (the collector's findings feed), where
   * missing a message while down costs nothing and rereading history would be wrong.
   * `onMessage` must not throw; the follower never retries or dead-letters.
   */
  follow(topic: string, onMessage: (message: IncomingMessage) => void): Promise<Subscription>;
  /** True while the bus can accept publishes (drives /readyz). */
  isReady(): boolean;
  close(): Promise<void>;
}

/** Headers a dead-lettered message carries, so an operator can see why and where it came from. */
export const DEAD_LETTER_HEADERS = {
  reason: 'pipewatch-dlq-reason',
  code: 'pipewatch-dlq-code',
  topic: 'pipewatch-dlq-topic',
  partition: 'pipewatch-dlq-partition',
  offset: 'pipewatch-dlq-offset',
  group: 'pipewatch-dlq-group',
} as const;
