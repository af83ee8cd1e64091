import type { Command } from 'commander';
import { loadConfig, type Config } from '@pipewatch/shared';
import { isSuppressionActive, parseUntil, type Suppression, type SuppressionStore } from '@pipewatch/alerter';
import { elasticsearchSuppressionStoreFor } from '../compose/elasticsearch.js';
import { fileSuppressionStoreFor } from '../compose/webhook-sinks.js';

/** With ELASTICSEARCH_URL the shared index (distributed mode), otherwise the data dir's file. */
function storeFor(config: Config): SuppressionStore {
  return config.ELASTICSEARCH_URL ? elasticsearchSuppressionStoreFor(config) : fileSuppressionStoreFor(config);
}

function describe(suppression: Suppression, now: Date): string {
  const state = isSuppressionActive(suppression, now) ? 'active' : 'expired';
  return [
    suppression.id,
    state,
    `pipeline=${suppression.pipeline}`,
    `rule=${suppression.rule}`,
    `subject=${suppression.subject}`,
    `until=${suppression.until}`,
    `author=${suppression.author}`,
    `reason=${JSON.stringify(suppression.reason)}`,
  ].join('  ');
}

const print = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

interface AddOptions {
  pipeline: string;
  rule: string;
  subject: string;
  until: string;
  reason: string;
  author: string;
  json?: boolean;
}

/** `pipewatch suppress add|list|remove`: silence known-good findings until a date. */
export function registerSuppress(program: Command): void {
  const suppress = program
    .command('suppress')
    .description('Manage suppressions: matching findings are still stored (marked suppressed) but not notified, until the suppression expires.')
    .addHelpText('after', '\nStored in Elasticsearch (index <prefix>-suppressions) when ELASTICSEARCH_URL is set, otherwise in $PIPEWATCH_DATA_DIR/suppressions.json.');

  suppress
    .command('add')
    .description('Add a suppression.')
    .requiredOption('--pipeline <glob>', 'pipeline id or pattern (* matches anything)')
    .requiredOption('--rule <id>', 'rule id or pattern, e.g. access.egress.new_host or access.egress.*')
    .option('--subject <subject>', 'the finding subject (host, metric, secret...) or * for any', '*')
    .requiredOption('--until <when>', 'a duration from now (30m, 12h, 7d, 2w) or a date (2026-12-31 or an RFC 3339 time)')
    .requiredOption('--reason <text>', 'why these findings are expected')
    .requiredOption('--author <name>', 'who decided it')
    .option('--json', 'print the stored suppression as JSON')
    .action(async (options: AddOptions) => {
      const config = loadConfig(process.env);
      const now = new Date();
      let until: string;
      try {
        until = parseUntil(options.until, now);
      } catch (error) {
        process.stderr.write(`pipewatch suppress add: ${(error as Error).message}\n`);
        process.exitCode = 2;
        return;
      }
      const store = storeFor(config);
      const added = await store.add({
        pipeline: options.pipeline,
        rule: options.rule,
        subject: options.subject,
        until,
        reason: options.reason,
        author: options.author,
      });
      print(options.json ? JSON.stringify(added) : `added ${describe(added, now)}`);
    });

  suppress
    .command('list')
    .description('List suppressions, expired ones included.')
    .option('--json', 'print one JSON object per line')
    .action(async (options: { json?: boolean }) => {
      const config = loadConfig(process.env);
      const now = new Date();
      for (const suppression of await storeFor(config).list()) {
        print(options.json ? JSON.stringify({ ...suppression, active: isSuppressionActive(suppression, now) }) : describe(suppression, now));
      }
    });

  suppress
    .command('remove')
    .description('Remove a suppression by id.')
    .argument('<id>', 'the suppression id (sup-...)')
    .action(async (id: string) => {
      const config = loadConfig(process.env);
      if (await storeFor(config).remove(id)) {
        print(`removed ${id}`);
        return;
      }
      process.stderr.write(`pipewatch suppress remove: no suppression ${id}\n`);
      process.exitCode = 1;
    });
}
