import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/**
 * Streams the JSON values of an NDJSON file, one line at a time. Lines that do not
 * parse are skipped: a crash mid-append leaves a torn last line, and losing that
 * one line must not make the whole file unreadable. A missing file yields nothing.
 */
export async function* readJsonLines(path: string): AsyncGenerator<unknown> {
  const input = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (line.trim() === '') continue;
      try {
        yield JSON.parse(line) as unknown;
      } catch {
        // torn or foreign line: ignored on purpose (see above)
      }
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  } finally {
    lines.close();
    input.destroy();
  }
}
