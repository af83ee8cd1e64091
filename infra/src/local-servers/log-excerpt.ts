import { readFileSync } from 'node:fs';

/**
 * What to quote from a server log when startup fails: the first ERROR/FATAL lines (with
 * the two lines after each, usually the exception) and then the tail. The cause tends to
 * be early, while the tail is mostly shutdown noise. Never throws.
 */
export function logExcerpt(path: string, tailLines = 30, maxErrors = 8): string {
  let lines: string[];
  try {
    lines = readFileSync(path, 'utf8').trimEnd().split('\n');
  } catch {
    return `(no log at ${path})`;
  }
  const errors: string[] = [];
  for (let i = 0; i < lines.length && errors.length < maxErrors * 3; i += 1) {
    if (/\b(ERROR|FATAL)\b/.test(lines[i] ?? '')) errors.push(...lines.slice(i, i + 3));
  }
  const tail = lines.slice(-tailLines);
  // No path: the per-start dir holding the log is removed when the failed server is stopped.
  return (errors.length > 0 ? ['-- first errors:', ...errors, '-- last lines:', ...tail] : tail).join('\n');
}
