import { Kafka, logLevel, type Admin } from 'kafkajs';

export interface LagReader {
  /** Messages of `topic` the group has not committed yet, or undefined while Kafka does not answer. */
  lag(group: string, topic: string): Promise<number | undefined>;
  close(): Promise<void>;
}

/**
 * Consumer-group lag through one admin connection: cheap enough to sample every
 * second, where Kafka's own CLI costs a JVM start each time.
 */
export async function createLagReader(brokers: string[]): Promise<LagReader> {
  const kafka = new Kafka({ clientId: 'pipewatch-fault-tests', brokers, logLevel: logLevel.NOTHING, retry: { retries: 1 } });
  const admin: Admin = kafka.admin();
  await admin.connect();
  return {
    async lag(group, topic) {
      try {
        const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId: group, topics: [topic] })]);
        const at = new Map((committed[0]?.partitions ?? []).map((partition) => [partition.partition, Number(partition.offset)]));
        let lag = 0;
        for (const end of ends) {
          const position = at.get(end.partition);
          lag += Number(end.high) - (position === undefined || position < 0 ? Number(end.low) : position);
        }
        return lag;
      } catch {
        return undefined;
      }
    },
    close: () => admin.disconnect(),
  };
}
