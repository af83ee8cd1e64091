import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { loadConfig } from '@pipewatch/shared';
import { replayEvents } from '../replay/replay-events.js';
import { settingsFromConfig } from '../settings-from-config.js';

export function registerReplay(program: Command): void {
  program
    .command('replay')
    .description('Run the detector over run events (NDJSON) in order and print findings as NDJSON on stdout.')
    .argument('[file]', 'NDJSON file of run events, or - for stdin', '-')
    .option('--scores', 'print one {"event_id","score","rules"} line per input event instead of findings')
    .addHelpText('after', '\nDeterministic: findings are timed at each event\'s occurred_at, so the same input gives the same bytes.\nInvalid lines are reported on stderr and skipped.')
    .action(async (file: string, options: { scores?: boolean }) => {
      const settings = settingsFromConfig(loadConfig(process.env));
      const input = file === '-' ? process.stdin : createReadStream(file, { encoding: 'utf8' });
      const lines = createInterface({ input, crlfDelay: Infinity });
      const write = (line: string): void => {
        process.stdout.write(`${line}\n`);
      };
      const warn = (message: string): void => {
        process.stderr.write(`pipewatch replay: ${message}\n`);
      };
      await replayEvents(lines, { settings, scores: options.scores === true, write, warn });
    });
}
