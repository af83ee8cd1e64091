import type { Command } from 'commander';
import { startDistributedAlerter, startDistributedCollector, startDistributedDetector } from '../compose/distributed.js';
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
}
