import { readFileSync } from 'node:fs';
import { ConfigError } from '@pipewatch/shared';

/**
 * Reads a file a variable points at (a PEM certificate, key or CA) at start, so a
 * wrong path fails the start with the variable's name instead of failing the first
 * connection. The error names the path and the reason, never the file's content.
 */
export function readConfiguredFile(variable: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError([`${variable}: cannot read ${path} (${reason})`]);
  }
}
