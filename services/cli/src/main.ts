import { Command, CommanderError } from 'commander';
import { registerAttest } from './commands/attest-command.js';
import { registerConsole } from './commands/console-command.js';
import { registerForward } from './commands/forward-command.js';
import { registerRedeliver } from './commands/redeliver-command.js';
import { registerReplay } from './commands/replay-command.js';
import { registerServiceCommands } from './commands/service-commands.js';
import { registerStart } from './commands/start-command.js';
import { registerSuppress } from './commands/suppress-command.js';

/** Builds the `pipewatch` command tree; commander gives every command `--help`. */
export function buildProgram(): Command {
  const program = new Command('pipewatch')
    .description('Catches attacks on CI/CD pipelines while they happen: per-pipeline baselines, explained findings.')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  registerStart(program);
  registerReplay(program);
  registerServiceCommands(program);
  registerSuppress(program);
  registerRedeliver(program);
  registerForward(program);
  registerAttest(program);
  registerConsole(program);
  return program;
}

/** Entry point used by bin/pipewatch.js; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    throw error;
  }
}
