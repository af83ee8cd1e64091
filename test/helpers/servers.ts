import { startLocalElasticsearch, startLocalKafka } from '@pipewatch/infra';

/**
 * Real Kafka and Elasticsearch for the test run, started on first use and stopped
 * by the root hook in server-hooks.ts. `KAFKA_BROKERS` / `ELASTICSEARCH_URL`
 * point the tests at servers that already run instead.
 */
interface Started<T> {
  value: T;
  stop?: () => Promise<void>;
}

let kafka: Promise<Started<string[]>> | undefined;
let elasticsearch: Promise<Started<string>> | undefined;

export function kafkaBrokers(): Promise<string[]> {
  kafka ??= process.env.KAFKA_BROKERS
    ? Promise.resolve({ value: process.env.KAFKA_BROKERS.split(',').map((broker) => broker.trim()) })
    : startLocalKafka().then((server) => ({ value: [server.brokers], stop: () => server.stop() }));
  return kafka.then((started) => started.value);
}

export function elasticsearchUrl(): Promise<string> {
  elasticsearch ??= process.env.ELASTICSEARCH_URL
    ? Promise.resolve({ value: process.env.ELASTICSEARCH_URL })
    : startLocalElasticsearch().then((server) => ({ value: server.url, stop: () => server.stop() }));
  return elasticsearch.then((started) => started.value);
}

export async function stopTestServers(): Promise<void> {
  const running = [kafka, elasticsearch].filter((server): server is Promise<Started<never>> => server !== undefined);
  kafka = undefined;
  elasticsearch = undefined;
  await Promise.all(running.map(async (server) => (await server.catch(() => undefined))?.stop?.()));
}
