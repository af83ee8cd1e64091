import { join, resolve } from 'node:path';
import { topicNames, type Config, type KafkaBus, type Logger } from '@pipewatch/shared';
import { createBearerAuth, listenCollector, type CollectorDeps } from '@pipewatch/collector';
import {
  buildConsoleApp,
  createChangelogBaselineReader,
  createElasticsearchFindingsReader,
  createFileBaselineReader,
  createInMemoryBaselineReader,
  createNdjsonFindingsReader,
  registerConsole,
  type BaselineReader,
  type ConsoleDeps,
} from '@pipewatch/console';
import type { RunningService } from './collector-service.js';
import { elasticsearchAuth, elasticsearchSuppressionStoreFor } from './elasticsearch.js';
import { connectKafka } from './kafka.js';
import { fileSuppressionStoreFor } from './webhook-sinks.js';

/** How often `pipewatch console` re-reads the baselines changelog. */
export const CONSOLE_BASELINE_REFRESH_MS = 15_000;

/** The embedded default's files, read by the console: what the alerter and detector write in the data dir. */
function dataDirDeps(config: Config, logger: Logger): ConsoleDeps {
  const dataDir = resolve(config.PIPEWATCH_DATA_DIR);
  return {
    findings: createNdjsonFindingsReader({ path: join(dataDir, 'findings.ndjson') }),
    baselines: createFileBaselineReader({ path: join(dataDir, 'baselines.ndjson') }),
    suppressions: fileSuppressionStoreFor(config),
    auth: createBearerAuth(config.PIPEWATCH_INGEST_TOKENS ?? []),
    minRuns: config.PIPEWATCH_MIN_RUNS,
    logger: logger.child({ component: 'console' }),
  };
}

/** `pipewatch start`: the console served by the collector, behind its auth hook, over the data dir. */
export function embeddedConsoleExtension(config: Config, logger: Logger): NonNullable<CollectorDeps['extensions']>[number] {
  const deps = dataDirDeps(config, logger);
  return (app) => registerConsole(app, deps);
}

/**
 * `pipewatch console`: the console on its own server. Findings and suppressions
 * from Elasticsearch when ELASTICSEARCH_URL is set (baselines then from the Kafka
 * changelog when KAFKA_BROKERS is set too); otherwise the data dir's files.
 */
export async function startStandaloneConsole(config: Config, logger: Logger): Promise<RunningService> {
  let bus: KafkaBus | undefined;
  let deps: ConsoleDeps;
  if (config.ELASTICSEARCH_URL) {
    let baselines: BaselineReader = createInMemoryBaselineReader();
    if (config.KAFKA_BROKERS?.length) {
      bus = await connectKafka(config, logger, 'console');
      baselines = createChangelogBaselineReader({
        reader: bus,
        topic: topicNames(config.PIPEWATCH_TOPIC_PREFIX).baselines,
        partitions: config.PIPEWATCH_KAFKA_PARTITIONS,
        refreshMs: CONSOLE_BASELINE_REFRESH_MS,
        logger,
      });
    } else {
      logger.warn('KAFKA_BROKERS is unset: the console shows findings but no baselines (learning/stable, plots, first-seen tables)');
    }
    deps = {
      findings: createElasticsearchFindingsReader({
        url: config.ELASTICSEARCH_URL,
        alias: config.PIPEWATCH_ES_INDEX_PREFIX,
        ...elasticsearchAuth(config),
      }),
      baselines,
      suppressions: elasticsearchSuppressionStoreFor(config),
      auth: createBearerAuth(config.PIPEWATCH_INGEST_TOKENS ?? []),
      minRuns: config.PIPEWATCH_MIN_RUNS,
      logger: logger.child({ component: 'console' }),
    };
  } else {
    logger.info('ELASTICSEARCH_URL is unset: the console reads the data dir', { data_dir: resolve(config.PIPEWATCH_DATA_DIR) });
    deps = dataDirDeps(config, logger);
  }
  const tokens = config.PIPEWATCH_INGEST_TOKENS ?? [];
  const server = await listenCollector(buildConsoleApp(deps), {
    port: config.PORT,
    ...(config.PIPEWATCH_HOST ? { host: config.PIPEWATCH_HOST } : {}),
    tokens,
    logger,
  });
  return {
    address: server.address,
    async stop() {
      await server.close();
      await deps.baselines.close?.();
      await bus?.close();
    },
  };
}
