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

export interface SubscribeOptions {
  topic: string;
  /** Consumers of one group share the topic's partitions; every group sees every message. */
  group: string;
  handler: MessageHandler;
  /** Where messages that fail permanently go, with the reason in their headers. */
  deadLetterTopic: string;
  /** Backoff between redeliveries of a message that failed with a retryable error. */
  retry?: RetryPolicy;
  /** Called when a consumer is given partitions (Kafka rebalances; in memory: once, all of them). */
  onAssign?: (partitions: number[]) => Promise<void>;
}

export interface Subscription {
  /** Stops taking new messages, waits for the ones in flight and commits them. */
  close(): Promise<void>;
}

/** The one port all services talk through: Kafka in distributed mode, memory in the embedded default. */
export interface Bus {
  publish(topic: string, messages: OutgoingMessage[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
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
