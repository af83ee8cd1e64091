import type { Command } from 'commander';
import { startEmbedded } from '../compose/embedded.js';
import { runUntilSignal } from './run-until-signal.js';

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('Run collector, detector and alerter in one process (the embedded default; nothing else to install).')
    .addHelpText(
      'after',
      '\nConfigured from the environment: PORT (8080), PIPEWATCH_DATA_DIR (./.pipewatch), PIPEWATCH_INGEST_TOKENS,\nPIPEWATCH_WEBHOOK_URL, PIPEWATCH_WEBHOOK_SECRET, PIPEWATCH_SLACK_WEBHOOK_URL, PIPEWATCH_ROUTES_FILE,\nPIPEWATCH_GITHUB_WEBHOOK_SECRET, PIPEWATCH_GITLAB_WEBHOOK_TOKEN, PIPEWATCH_MIN_RUNS, PIPEWATCH_LOG_LEVEL. See the README.',
    )
    .action(() => runUntilSignal('pipewatch', startEmbedded));
}
