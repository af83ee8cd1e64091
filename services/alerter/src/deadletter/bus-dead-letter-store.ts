import type { Bus, ChangelogReader } from '@pipewatch/shared';
import { DeadLetterRecord, foldDeadLetters, type DeadLetterStore } from './dead-letter-store.js';

export interface BusDeadLetterStoreOptions {
  publish: Bus['publish'];
  /** Reads the topic from its start to its current end. */
  reader: ChangelogReader;
  /** `<prefix>notifications.deadletter`. */
  topic: string;
  /** The topic's partitions; the composition root creates it with one, which keeps records in order. */
  partitions?: number;
  now?: () => Date;
}

/**
 * The Kafka-mode dead-letter store: records and `redelivered` markers published
 * to one topic (keyed by record id), read back from the start by `pipewatch
 * redeliver`. Publishing waits for the brokers' acknowledgement (acks=all).
 */
export function createBusDeadLetterStore(options: BusDeadLetterStoreOptions): DeadLetterStore {
  const now = options.now ?? (() => new Date());
  const partitions = Array.from({ length: options.partitions ?? 1 }, (_, index) => index);
  return {
    async put(record) {
      const value = DeadLetterRecord.parse(record);
      await options.publish(options.topic, [{ key: value.record_id, value: JSON.stringify(value), headers: { 'pipewatch-destination': value.destination } }]);
    },
    async outstanding() {
      const values: unknown[] = [];
      await options.reader.readToEnd(options.topic, partitions, (message) => {
        try {
          values.push(JSON.parse(message.value));
        } catch {
          // not ours; skipped
        }
      });
      return foldDeadLetters(values);
    },
    async markRedelivered(recordId) {
      await options.publish(options.topic, [{ key: recordId, value: JSON.stringify({ redelivered: recordId, at: now().toISOString() }) }]);
    },
  };
}
