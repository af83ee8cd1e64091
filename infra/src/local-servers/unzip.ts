import { chmodSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { javaHome } from './java.js';
import { runCommand } from './run-command.js';

/**
 * Extracts with `unzip`, which keeps the archive's file modes; where it is not installed,
 * the JDK's `jar`, which does not, so bin/ scripts are made executable afterwards.
 */
export async function unzipArchive(zip: string, target: string): Promise<void> {
  mkdirSync(target, { recursive: true });
  try {
    await runCommand('unzip', ['-q', '-o', zip, '-d', target]);
    return;
  } catch (error) {
    const code = ((error as Error).cause as NodeJS.ErrnoException | undefined)?.code;
    if (code !== 'ENOENT') throw error;
  }
  await runCommand(join(javaHome(), 'bin', 'jar'), ['xf', zip], { cwd: target });
  for (const top of readdirSync(target)) {
    const bin = join(target, top, 'bin');
    let scripts: string[] = [];
    try {
      scripts = readdirSync(bin);
    } catch {
      continue;
    }
    for (const script of scripts) chmodSync(join(bin, script), 0o755);
  }
}
