import { join, resolve } from 'node:path';
import { createInMemoryBus, topicNames, type Config, type Logger } from '@pipewatch/shared';
import { createFileBaselineStore, startDetector } from '@pipewatch/detector';
import { createNdjsonFileSink, startAlerter } from '@pipewatch/alerter';
import { settingsFromConfig } from '../settings-from-config.js';
import { startCollectorOn } from './collector-service.js';
import { embeddedConsoleExtension } from './console.js';
import { fileDeadLetterStoreFor, fileLedgerFor, fileSuppressionStoreFor, notificationsFor } from './webhook-sinks.js';

export interface RunningPipewatch {
  address: string;
  stop(): Promise<void>;
}

/**
 * The embedded default: collector, detector and alerter in one process over the
 * in-memory bus. Starts downstream first and stops upstream first, so nothing
 * accepted is dropped on the floor by an orderly shutdown. Notification state
 * (claims, dead letters, suppressions) lives in files next to the findings. The
 * collector also serves the console (/ui) over those files.
 */
export async function startEmbedded(config: Config, logger: Logger, env: Record<string, string | undefined> = process.env): Promise<RunningPipewatch> {
  const dataDir = resolve(config.PIPEWATCH_DATA_DIR);
  const topics = topicNames(config.PIPEWATCH_TOPIC_PREFIX);
  const bus = createInMemoryBus();

  const { notifier, suppressions } = await notificationsFor(config, logger, env, {
    ledger: await fileLedgerFor(config),
    deadLetters: fileDeadLetterStoreFor(config),
    suppressions: fileSuppressionStoreFor(config),
  });
  const sinks = [await createNdjsonFileSink({ path: join(dataDir, 'findings.ndjson'), logger })];
  const alerter = await startAlerter({ bus, topics, sinks, notifier, suppressions, logger });

  const store = await createFileBaselineStore({ path: join(dataDir, 'baselines.ndjson') });
  const detector = await startDetector({ bus, topics, store, settings: settingsFromConfig(config), logger });

  // The console reads what the detector and alerter write in the data dir.
  const server = await startCollectorOn(bus, config, logger, env, [embeddedConsoleExtension(config, logger)]);
  logger.info('embedded pipeline ready', { data_dir: dataDir, baselines: store.size() });

  return {
    address: server.address ?? '',
    async stop() {
      await server.stop();
      await detector.close();
      await alerter.close(); // closes its sinks and the notifier too
      await store.close();
      await bus.close();
    },
  };
}
