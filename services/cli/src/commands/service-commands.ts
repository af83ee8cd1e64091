import type { Command } from 'commander';
import { startDistributedAlerter, startDistributedCollector, startDistributedDetector } from '../compose/distributed.js';
import { createLogger, loadConfig } from '@pipewatch/shared';
import { runSetup } from '../compose/setup.js';
import { runUntilSignal } from './run-until-signal.js';

/** Distributed mode: each service its own process, talking through Kafka. */
export function registerServiceCommands(program: Command): void {
  program
    .command('collector')
    .description('HTTP ingest publishing run events to Kafka (needs KAFKA_BROKERS).')
    .action(() => runUntilSignal('collector', startDistributedCollector));
  program
    .command('detector')
    .description('Consume runs from Kafka, judge them against per-pipeline baselines, publish findings (needs KAFKA_BROKERS). Run several: they share the partitions.')
    .action(() => runUntilSignal('detector', startDistributedDetector));
  program
    .command('alerter')
    .description('Consume findings from Kafka and write them to Elasticsearch and webhooks (needs KAFKA_BROKERS, ELASTICSEARCH_URL).')
    .action(() => runUntilSignal('alerter', startDistributedAlerter));
  program
    .command('setup')
    .description('Create the Kafka topics, install the Elasticsearch index template and import the Kibana objects, for whichever of KAFKA_BROKERS, ELASTICSEARCH_URL, KIBANA_URL is set. Idempotent.')
    .action(async () => {
      const config = loadConfig(process.env);
      await runSetup(config, createLogger({ service: 'setup', level: config.PIPEWATCH_LOG_LEVEL }));
    });
}
