import { ConfigError, topicNames, type Config, type Logger } from '@pipewatch/shared';
import { createChangelogBaselineStore, startDetector } from '@pipewatch/detector';
import { startAlerter, type FindingSink } from '@pipewatch/alerter';
import { settingsFromConfig } from '../settings-from-config.js';
import { startCollectorOn, type RunningService } from './collector-service.js';
import { elasticsearchSinkFor } from './elasticsearch.js';
import { connectKafka } from './kafka.js';
import { webhookSinks } from './webhook-sinks.js';

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

/** `pipewatch alerter`: findings from Kafka into Elasticsearch and the configured webhooks. */
export async function startDistributedAlerter(config: Config, logger: Logger): Promise<RunningService> {
  if (!config.ELASTICSEARCH_URL) throw new ConfigError(['ELASTICSEARCH_URL: required by pipewatch alerter']);
  const bus = await connectKafka(config, logger, 'alerter');
  const elasticsearch = elasticsearchSinkFor(config, logger);
  await elasticsearch.ensureTemplate();
  const sinks: FindingSink[] = [elasticsearch, ...webhookSinks(config, logger)];
  const alerter = await startAlerter({
    bus,
    topics: topicNames(config.PIPEWATCH_TOPIC_PREFIX),
    sinks,
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
