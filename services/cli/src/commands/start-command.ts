import type { Command } from 'commander';
import { createLogger, loadConfig } from '@pipewatch/shared';
import { startEmbedded } from '../compose/embedded.js';

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('Run collector, detector and alerter in one process (the embedded default; nothing else to install).')
    .addHelpText(
      'after',
      '\nConfigured from the environment: PORT (8080), PIPEWATCH_DATA_DIR (./.pipewatch), PIPEWATCH_INGEST_TOKENS,\nPIPEWATCH_WEBHOOK_URL, PIPEWATCH_WEBHOOK_SECRET, PIPEWATCH_MIN_RUNS, PIPEWATCH_LOG_LEVEL. See the README.',
    )
    .action(async () => {
      const config = loadConfig(process.env);
      const logger = createLogger({ service: 'pipewatch', level: config.PIPEWATCH_LOG_LEVEL });
      const running = await startEmbedded(config, logger);
      await waitForSignal();
      logger.info('pipewatch stopping');
      await running.stop();
      logger.info('pipewatch stopped');
    });
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
