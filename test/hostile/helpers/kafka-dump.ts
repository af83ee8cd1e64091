import { Kafka, logLevel } from 'kafkajs';

export interface DumpedMessage {
  topic: string;
  partition: number;
  key: string;
  value: string;
  headers: Record<string, string>;
}

/**
 * Every message of every topic whose name starts with `prefix`, keys, values and
 * headers, read by a throwaway consumer group from the earliest offset up to the
 * high-water marks taken when the dump starts.
 */
export async function dumpTopics(brokers: string[], prefix: string, timeoutMs = 60_000): Promise<Map<string, DumpedMessage[]>> {
  const kafka = new Kafka({ clientId: 'pipewatch-leak-dump', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix)).sort();
  const remaining = new Map<string, number>();
  for (const topic of topics) {
    for (const { partition, low, high } of await admin.fetchTopicOffsets(topic)) {
      if (Number(high) > Number(low)) remaining.set(`${topic}/${partition}`, Number(high));
    }
  }
  await admin.disconnect();
  const dumped = new Map<string, DumpedMessage[]>(topics.map((topic) => [topic, []]));
  if (remaining.size === 0) return dumped;

  const consumer = kafka.consumer({ groupId: `pipewatch-leak-dump-${Math.random().toString(36).slice(2)}` });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`dump incomplete after ${timeoutMs} ms: ${[...remaining.keys()].join(', ')}`)), timeoutMs);
    void consumer
      .run({
        eachMessage: async ({ topic, partition, message }) => {
          dumped.get(topic)!.push({
            topic,
            partition,
            key: message.key?.toString('utf8') ?? '',
            value: message.value?.toString('utf8') ?? '',
            headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)])),
          });
          const slot = `${topic}/${partition}`;
          if (remaining.has(slot) && Number(message.offset) + 1 >= remaining.get(slot)!) remaining.delete(slot);
          if (remaining.size === 0) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return dumped;
}
