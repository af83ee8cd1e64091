import type { IncomingMessage } from './bus-port.js';

/**
 * A bus that keeps history can replay a (compacted) topic's partitions from the
 * start to their current end: how a detector restores the baselines of the
 * partitions it was just given.
 */
export interface ChangelogReader {
  readToEnd(topic: string, partitions: readonly number[], onMessage: (message: IncomingMessage) => void): Promise<void>;
}

/** How a topic is created when it is missing; declared once in infra/kafka/topics.json. */
export interface TopicSpec {
  name: string;
  partitions: number;
  replicationFactor: number;
  /** Kafka topic configs, e.g. `cleanup.policy: compact`, `retention.ms`. */
  config: Record<string, string>;
}
