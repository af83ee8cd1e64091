import { topicNames, type Bus, type Config, type Logger } from '@pipewatch/shared';
import { buildCollectorApp, createEventDedupe, listenCollector } from '@pipewatch/collector';

export interface RunningService {
  address?: string;
  stop(): Promise<void>;
}

/** The collector over any bus: used alone in distributed mode and inside the embedded default. */
export async function startCollectorOn(bus: Bus, config: Config, logger: Logger): Promise<RunningService> {
  const tokens = config.PIPEWATCH_INGEST_TOKENS ?? [];
  const app = buildCollectorApp({
    bus,
    topics: topicNames(config.PIPEWATCH_TOPIC_PREFIX),
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
  return { address: server.address, stop: () => server.close() };
}
