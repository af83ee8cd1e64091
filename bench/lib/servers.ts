import { startLocalElasticsearch, startLocalKafka } from '@pipewatch/infra';

export interface BenchServers {
  brokers: string;
  elasticsearchUrl?: string;
  /** JVM pids of servers this run started (for CPU accounting); absent for given servers. */
  kafkaPid?: number;
  elasticsearchPid?: number;
  /** Which servers were started here rather than given by the environment. */
  started: { kafka: boolean; elasticsearch: boolean };
  stop(): Promise<void>;
}

export interface ServerWishes {
  /** KAFKA_BROKERS, when the caller already has a broker. */
  brokers?: string;
  /** ELASTICSEARCH_URL, when the caller already has one. */
  elasticsearchUrl?: string;
  elasticsearch: boolean;
  log: (line: string) => void;
}

/** Uses the given servers, or starts local ones (side by side) that stop() takes down again. */
export async function provideServers(wishes: ServerWishes): Promise<BenchServers> {
  const startKafka = !wishes.brokers;
  const startEs = wishes.elasticsearch && !wishes.elasticsearchUrl;
  if (startKafka || startEs) wishes.log(`starting local ${[startKafka ? 'Kafka' : '', startEs ? 'Elasticsearch' : ''].filter(Boolean).join(' and ')} (first use downloads from Maven Central)`);
  const began = Date.now();
  const [kafka, es] = await Promise.all([
    startKafka ? startLocalKafka() : Promise.resolve(undefined),
    startEs ? startLocalElasticsearch() : Promise.resolve(undefined),
  ]);
  if (startKafka || startEs) wishes.log(`servers ready in ${((Date.now() - began) / 1000).toFixed(1)} s`);
  const elasticsearchUrl = es?.url ?? wishes.elasticsearchUrl;
  return {
    brokers: kafka?.brokers ?? wishes.brokers!,
    ...(wishes.elasticsearch && elasticsearchUrl ? { elasticsearchUrl } : {}),
    ...(kafka ? { kafkaPid: kafka.pid } : {}),
    ...(es ? { elasticsearchPid: es.pid } : {}),
    started: { kafka: startKafka, elasticsearch: startEs },
    async stop() {
      await Promise.all([kafka?.stop(), es?.stop()]);
    },
  };
}
