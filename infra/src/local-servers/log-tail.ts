import { readFileSync } from 'node:fs';

/** The last lines of a log, for error messages; never throws. */
export function logTail(path: string, lines = 40): string {
  try {
    const text = readFileSync(path, 'utf8');
    return text.split('\n').slice(-lines - 1).join('\n').trimEnd();
  } catch {
    return `(no log at ${path})`;
  }
}
