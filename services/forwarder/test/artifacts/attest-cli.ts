// Runs `pipewatch attest` alone, as main.ts will once the command is registered there.
import { Command, CommanderError } from 'commander';
import { registerAttest } from '../../../cli/src/commands/attest-command.js';

const program = new Command('pipewatch').exitOverride();
registerAttest(program);
try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = error instanceof CommanderError ? error.exitCode : 1;
}
