import { createInMemoryBus, silentLogger, topicNames, type IncomingMessage, type Subscription } from '@pipewatch/shared';
import { buildCollectorApp, createEventDedupe, type CollectorDeps } from '@pipewatch/collector';

export interface CollectorUnderTest {
  url: string;
  /** Every message a consumer group read from the runs and logs topics. */
  consumed: IncomingMessage[];
  post(path: string, body: string | Buffer, headers: Record<string, string>): Promise<{ status: number; headers: Headers; body: any }>;
  /** Waits until the consumer has read everything published so far. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/** The real collector app on real HTTP (127.0.0.1, port 0) over the real in-memory bus, read back by a consumer group. */
export async function startCollectorUnderTest(options: Partial<Pick<CollectorDeps, 'tokens' | 'github' | 'gitlab' | 'tls' | 'knownSecretValues'>> = {}): Promise<CollectorUnderTest> {
  const bus = createInMemoryBus();
  const topics = topicNames(`hostile-${Math.random().toString(36).slice(2, 8)}.`);
  const app = buildCollectorApp({ bus, topics, logger: silentLogger(), maxBodyBytes: 1024 * 1024, dedupe: createEventDedupe(10_000), ...options });
  const consumed: IncomingMessage[] = [];
  let published = 0;
  const publish = bus.publish;
  bus.publish = async (topic, messages) => {
    await publish(topic, messages);
    published += messages.length;
  };
  const readers: Subscription[] = await Promise.all(
    [topics.runs, topics.logs].map((topic) => bus.subscribe({ topic, group: 'reader', deadLetterTopic: topics.deadLetter, handler: async (message) => void consumed.push(message) })),
  );
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    consumed,
    async post(path, body, headers) {
      const response = await fetch(`${url}${path}`, { method: 'POST', body, headers });
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
    },
    async settle() {
      const deadline = Date.now() + 5_000;
      while (consumed.length < published && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      // Anything wrongly published would have been read by now too.
      await new Promise((resolve) => setTimeout(resolve, 50));
    },
    async close() {
      await Promise.all(readers.map((reader) => reader.close()));
      await app.close();
      await bus.close();
    },
  };
}
