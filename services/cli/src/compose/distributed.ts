import { ConfigError, topicNames, type Config, type KafkaBus, type Logger, type TopicSpec } from '@pipewatch/shared';
import { createChangelogBaselineStore, startDetector } from '@pipewatch/detector';
import { createBusDeadLetterStore, startAlerter, type DeadLetterStore } from '@pipewatch/alerter';
import { settingsFromConfig } from '../settings-from-config.js';
import { startCollectorOn, type RunningService } from './collector-service.js';
import { elasticsearchLedgerFor, elasticsearchSinkFor, elasticsearchSuppressionStoreFor } from './elasticsearch.js';
import { connectKafka } from './kafka.js';
import { notificationsFor } from './webhook-sinks.js';

/** `pipewatch collector`: HTTP ingest publishing to Kafka. */
export async function startDistributedCollector(config: Config, logger: Logger): Promise<RunningService> {
  const bus = await connectKafka(config, logger, 'collector');
  const collector = await startCollectorOn(bus, config, logger);
  return {
    ...(collector.address ? { address: collector.address } : {}),
    async stop() {
      await collector.stop();
      await bus.close();
    },
  };
}

/** `pipewatch detector`: one member of the detector consumer group; baselines follow partitions. */
export async function startDistributedDetector(config: Config, logger: Logger): Promise<RunningService> {
  const bus = await connectKafka(config, logger, 'detector');
  const topics = topicNames(config.PIPEWATCH_TOPIC_PREFIX);
  const store = createChangelogBaselineStore({ bus, reader: bus, topic: topics.baselines, logger });
  const detector = await startDetector({
    bus,
    topics,
    store,
    settings: settingsFromConfig(config),
    logger,
    group: config.PIPEWATCH_DETECTOR_GROUP,
  });
  return {
    async stop() {
      await detector.close();
      await bus.close();
    },
  };
}

/** The Kafka topic dead notifications go to; one partition keeps records and their markers in order. */
export function notificationDeadLetterTopic(config: Config): TopicSpec {
  return {
    name: `${config.PIPEWATCH_TOPIC_PREFIX}notifications.deadletter`,
    partitions: 1,
    replicationFactor: config.PIPEWATCH_KAFKA_REPLICATION_FACTOR,
    config: { 'cleanup.policy': 'delete', 'retention.ms': String(30 * 86_400_000) },
  };
}

/** Kafka mode's dead-letter store: the topic, created when missing. */
export async function busDeadLetterStoreFor(config: Config, bus: KafkaBus): Promise<DeadLetterStore> {
  const topic = notificationDeadLetterTopic(config);
  await bus.ensureTopics([topic]);
  return createBusDeadLetterStore({ publish: bus.publish, reader: bus, topic: topic.name });
}

/**
 * `pipewatch alerter`: findings from Kafka into Elasticsearch, notifications to the
 * configured destinations. Claims and suppressions live in Elasticsearch, shared
 * by every alerter of the group; dead notifications go to a Kafka topic.
 */
export async function startDistributedAlerter(config: Config, logger: Logger, env: Record<string, string | undefined> = process.env): Promise<RunningService> {
  if (!config.ELASTICSEARCH_URL) throw new ConfigError(['ELASTICSEARCH_URL: required by pipewatch alerter']);
  const bus = await connectKafka(config, logger, 'alerter');
  const elasticsearch = elasticsearchSinkFor(config, logger);
  await elasticsearch.ensureTemplate();
  const { notifier, suppressions } = await notificationsFor(config, logger, env, {
    ledger: elasticsearchLedgerFor(config),
    deadLetters: await busDeadLetterStoreFor(config, bus),
    suppressions: elasticsearchSuppressionStoreFor(config),
  });
  const alerter = await startAlerter({
    bus,
    topics: topicNames(config.PIPEWATCH_TOPIC_PREFIX),
    sinks: [elasticsearch],
    notifier,
    suppressions,
    logger,
    group: config.PIPEWATCH_ALERTER_GROUP,
  });
  return {
    async stop() {
      await alerter.close();
      await bus.close();
    },
  };
}
