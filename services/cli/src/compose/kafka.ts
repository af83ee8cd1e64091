import { ConfigError, createKafkaBus, type Config, type KafkaBus, type Logger } from '@pipewatch/shared';
import { kafkaTopicSpecs } from '@pipewatch/infra';

/** Connects to the brokers of KAFKA_BROKERS and creates any missing topic of infra/kafka/topics.json. */
export async function connectKafka(config: Config, logger: Logger, role: string): Promise<KafkaBus> {
  if (!config.KAFKA_BROKERS?.length) throw new ConfigError([`KAFKA_BROKERS: required by pipewatch ${role}`]);
  return createKafkaBus({
    brokers: config.KAFKA_BROKERS,
    clientId: `${config.PIPEWATCH_KAFKA_CLIENT_ID}-${role}`,
    logger,
    publishTimeoutMs: config.PIPEWATCH_KAFKA_PUBLISH_TIMEOUT_MS,
    topics: kafkaTopicSpecs({
      prefix: config.PIPEWATCH_TOPIC_PREFIX,
      partitions: config.PIPEWATCH_KAFKA_PARTITIONS,
      replicationFactor: config.PIPEWATCH_KAFKA_REPLICATION_FACTOR,
    }),
  });
}
