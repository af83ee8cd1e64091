import { join, resolve } from 'node:path';
import { createInMemoryBus, topicNames, type Config, type Logger } from '@pipewatch/shared';
import { buildCollectorApp, createEventDedupe, listenCollector } from '@pipewatch/collector';
import { createFileBaselineStore, startDetector } from '@pipewatch/detector';
import { createNdjsonFileSink, createWebhookSink, startAlerter, type FindingSink } from '@pipewatch/alerter';
import { settingsFromConfig } from '../settings-from-config.js';

export interface RunningPipewatch {
  address: string;
  stop(): Promise<void>;
}

/**
 * The embedded default: collector, detector and alerter in one process over the
 * in-memory bus. Starts downstream first and stops upstream first, so nothing
 * accepted is dropped on the floor by an orderly shutdown.
 */
export async function startEmbedded(config: Config, logger: Logger): Promise<RunningPipewatch> {
  const dataDir = resolve(config.PIPEWATCH_DATA_DIR);
  const topics = topicNames(config.PIPEWATCH_TOPIC_PREFIX);
  const bus = createInMemoryBus();

  const sinks: FindingSink[] = [await createNdjsonFileSink({ path: join(dataDir, 'findings.ndjson'), logger })];
  if (config.PIPEWATCH_WEBHOOK_URL) {
    sinks.push(
      createWebhookSink({
        url: config.PIPEWATCH_WEBHOOK_URL,
        ...(config.PIPEWATCH_WEBHOOK_SECRET ? { secret: config.PIPEWATCH_WEBHOOK_SECRET } : {}),
        timeoutMs: config.PIPEWATCH_WEBHOOK_TIMEOUT_MS,
        retry: { retries: config.PIPEWATCH_WEBHOOK_RETRIES, minDelayMs: 200, maxDelayMs: 10_000 },
        logger,
      }),
    );
  }
  const alerter = await startAlerter({ bus, topics, sinks, logger });

  const store = await createFileBaselineStore({ path: join(dataDir, 'baselines.ndjson') });
  const detector = await startDetector({ bus, topics, store, settings: settingsFromConfig(config), logger });

  const tokens = config.PIPEWATCH_INGEST_TOKENS ?? [];
  const app = buildCollectorApp({
    bus,
    topics,
    logger,
    tokens,
    maxBodyBytes: config.PIPEWATCH_MAX_BODY_BYTES,
    dedupe: createEventDedupe(config.PIPEWATCH_DEDUPE_CAPACITY),
  });
  const server = await listenCollector(app, {
    port: config.PORT,
    ...(config.PIPEWATCH_HOST ? { host: config.PIPEWATCH_HOST } : {}),
    tokens,
    logger,
  });
  logger.info('pipewatch started', { address: server.address, data_dir: dataDir, baselines: store.size() });

  return {
    address: server.address,
    async stop() {
      await server.close();
      await detector.close();
      await alerter.close();
      await store.close();
      await Promise.all(sinks.map((sink) => sink.close?.()));
      await bus.close();
    },
  };
}
