import { ConfigError, createKafkaBus, type Config, type KafkaBus, type KafkaBusOptions, type Logger } from '@pipewatch/shared';
import { kafkaTopicSpecs } from '@pipewatch/infra';
import { readConfiguredFile } from './configured-file.js';

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
    ...kafkaSecurity(config),
  });
}

/**
 * TLS (KAFKA_SSL, its CA / client certificate files) and SASL (KAFKA_SASL_*) for the
 * Kafka client. The config schema already refused half-set combinations.
 */
export function kafkaSecurity(config: Config): Pick<KafkaBusOptions, 'ssl' | 'sasl'> {
  const security: Pick<KafkaBusOptions, 'ssl' | 'sasl'> = {};
  if (config.KAFKA_SSL) {
    const custom = config.KAFKA_SSL_CA_FILE || config.KAFKA_SSL_CERT_FILE || !config.KAFKA_SSL_REJECT_UNAUTHORIZED;
    security.ssl = custom
      ? {
          ...(config.KAFKA_SSL_CA_FILE ? { ca: [readConfiguredFile('KAFKA_SSL_CA_FILE', config.KAFKA_SSL_CA_FILE)] } : {}),
          ...(config.KAFKA_SSL_CERT_FILE ? { cert: readConfiguredFile('KAFKA_SSL_CERT_FILE', config.KAFKA_SSL_CERT_FILE) } : {}),
          ...(config.KAFKA_SSL_KEY_FILE ? { key: readConfiguredFile('KAFKA_SSL_KEY_FILE', config.KAFKA_SSL_KEY_FILE) } : {}),
          rejectUnauthorized: config.KAFKA_SSL_REJECT_UNAUTHORIZED,
        }
      : true;
  }
  if (config.KAFKA_SASL_MECHANISM && config.KAFKA_SASL_USERNAME && config.KAFKA_SASL_PASSWORD) {
    const credentials = { username: config.KAFKA_SASL_USERNAME, password: config.KAFKA_SASL_PASSWORD };
    switch (config.KAFKA_SASL_MECHANISM) {
      case 'plain':
        security.sasl = { mechanism: 'plain', ...credentials };
        break;
      case 'scram-sha-256':
        security.sasl = { mechanism: 'scram-sha-256', ...credentials };
        break;
      case 'scram-sha-512':
        security.sasl = { mechanism: 'scram-sha-512', ...credentials };
        break;
    }
  }
  return security;
}
