import { createLogger, loadConfig, type Config, type Logger } from '@pipewatch/shared';

export interface Stoppable {
  address?: string;
  stop(): Promise<void>;
}

/** Starts a service from the environment, logs `<name> started`, and stops it on SIGINT/SIGTERM. */
export async function runUntilSignal(name: string, start: (config: Config, logger: Logger) => Promise<Stoppable>): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger({ service: name, level: config.PIPEWATCH_LOG_LEVEL });
  const running = await start(config, logger);
  logger.info(`${name} started`, running.address ? { address: running.address } : {});
  await waitForSignal();
  logger.info(`${name} stopping`);
  await running.stop();
  logger.info(`${name} stopped`);
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}
