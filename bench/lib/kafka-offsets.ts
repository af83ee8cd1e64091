import { Kafka, logLevel, type Admin } from 'kafkajs';

export interface GroupLag {
  /** Sum over partitions of (end offset - committed offset); a partition with no commit counts from its start. */
  lag: number;
  /** Sum of committed offsets: how far the group got. */
  committed: number;
  /** Sum of end offsets: how much the topic holds. */
  end: number;
}

export interface OffsetReader {
  /** Sum of the high-water marks of a topic's partitions (its message count on a fresh topic). */
  topicEnd(topic: string): Promise<number>;
  groupLag(group: string, topic: string): Promise<GroupLag>;
  close(): Promise<void>;
}

/**
 * Reads topic and consumer-group offsets through one admin connection: cheap
 * enough to sample every few seconds, where each Kafka CLI tool costs a JVM start
 * on the same two cores the pipeline runs on.
 */
export async function createOffsetReader(brokers: string): Promise<OffsetReader> {
  const kafka = new Kafka({ clientId: 'pipewatch-bench', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const admin: Admin = kafka.admin();
  await admin.connect();

  async function ends(topic: string): Promise<Map<number, { low: number; high: number }>> {
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, { low: Number(o.low), high: Number(o.high) }]));
  }

  return {
    async topicEnd(topic) {
      let total = 0;
      for (const { high } of (await ends(topic)).values()) total += high;
      return total;
    },
    async groupLag(group, topic) {
      const [topicEnds, committed] = await Promise.all([ends(topic), admin.fetchOffsets({ groupId: group, topics: [topic] })]);
      const byPartition = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
      const out: GroupLag = { lag: 0, committed: 0, end: 0 };
      for (const [partition, { low, high }] of topicEnds) {
        const at = byPartition.get(partition);
        const position = at === undefined || at < 0 ? low : at;
        out.lag += Math.max(0, high - position);
        out.committed += position;
        out.end += high;
      }
      return out;
    },
    close: () => admin.disconnect(),
  };
}
