import { runCommand } from './run-command.js';

/** Pinned because Maven 3.8 would otherwise pick the old 2.8 for command-line goals. */
export const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';

/** Batch mode and quiet: the output only matters when it fails, and then it is in the error. */
export async function runMaven(args: readonly string[]): Promise<void> {
  await runCommand('mvn', ['-B', '-q', '-Dstyle.color=never', ...args], { timeoutMs: 20 * 60_000 });
}
