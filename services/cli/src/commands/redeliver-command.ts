import type { Command } from 'commander';
import { createLogger, loadConfig, type Config, type Logger } from '@pipewatch/shared';
import { redeliverDeadLetters, type DeadLetterStore } from '@pipewatch/alerter';
import { busDeadLetterStoreFor } from '../compose/distributed.js';
import { connectKafka } from '../compose/kafka.js';
import { fileDeadLetterStoreFor, notificationDestinations, sendSettingsFor } from '../compose/webhook-sinks.js';

/** With KAFKA_BROKERS the dead-letter topic (distributed mode), otherwise the data dir's file. */
async function openStore(config: Config, logger: Logger): Promise<{ store: DeadLetterStore; close(): Promise<void> }> {
  if (!config.KAFKA_BROKERS?.length) return { store: fileDeadLetterStoreFor(config), close: async () => undefined };
  const bus = await connectKafka(config, logger, 'redeliver');
  return { store: await busDeadLetterStoreFor(config, bus), close: () => bus.close() };
}

/** `pipewatch redeliver`: send dead-lettered notifications again, once their destination is back. */
export function registerRedeliver(program: Command): void {
  program
    .command('redeliver')
    .description('Send dead-lettered notifications again with the current destination settings; each one that gets through is marked redelivered.')
    .option('--destination <name>', 'only records for this destination')
    .addHelpText(
      'after',
      '\nReads the Kafka topic <prefix>notifications.deadletter when KAFKA_BROKERS is set, otherwise\n$PIPEWATCH_DATA_DIR/notifications.deadletter.ndjson. Prints one line per record; exits 1 if any failed.',
    )
    .action(async (options: { destination?: string }) => {
      const config = loadConfig(process.env);
      const logger = createLogger({ service: 'redeliver', level: config.PIPEWATCH_LOG_LEVEL });
      const { destinations } = await notificationDestinations(config, process.env);
      const { store, close } = await openStore(config, logger);
      try {
        const outcomes = await redeliverDeadLetters({
          store,
          destinations,
          send: sendSettingsFor(config),
          logger,
          ...(options.destination ? { destination: options.destination } : {}),
        });
        for (const outcome of outcomes) {
          const detail = outcome.error ? `: ${outcome.error}` : '';
          process.stdout.write(`${outcome.result} ${outcome.record_id} to ${outcome.destination} (${outcome.findings} findings)${detail}\n`);
        }
        const count = (result: string): number => outcomes.filter((outcome) => outcome.result === result).length;
        process.stdout.write(`redelivered ${count('delivered')}, failed ${count('failed')}, skipped ${count('skipped')}\n`);
        if (count('failed') > 0) process.exitCode = 1;
      } finally {
        await close();
      }
    });
}
