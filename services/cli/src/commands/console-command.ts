import type { Command } from 'commander';
import { startStandaloneConsole } from '../compose/console.js';
import { runUntilSignal } from './run-until-signal.js';

export function registerConsole(program: Command): void {
  program
    .command('console')
    .description('Serve the read-only alert console (/ui) and its API on its own: findings from Elasticsearch, baselines from the Kafka changelog.')
    .addHelpText(
      'after',
      '\nConfigured from the environment: ELASTICSEARCH_URL (without it: the files in PIPEWATCH_DATA_DIR), KAFKA_BROKERS (baselines),\nPIPEWATCH_ES_INDEX_PREFIX, PIPEWATCH_TOPIC_PREFIX, PIPEWATCH_KAFKA_PARTITIONS, PIPEWATCH_MIN_RUNS, PORT (8080), PIPEWATCH_HOST,\nPIPEWATCH_INGEST_TOKENS (the console asks for one of them; without tokens it listens on 127.0.0.1 only). See the README.',
    )
    .action(() => runUntilSignal('console', startStandaloneConsole));
}
