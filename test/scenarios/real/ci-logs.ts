import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LOG_SCHEMA, MAX_LOG_LINES, type LogBatch } from '@pipewatch/shared';
import type { LogItem } from '../scenario-item.js';

/** The contract's longest log line; the collector cuts longer ones back to it. */
const MAX_LINE = 65_536;

export interface LogFileStats {
  files: number;
  lines: number;
  /** Lines longer than the contract allows, cut to it (a progress bar redrawn with bare CRs is one line). */
  cutLines: number;
  /** Lines carrying ANSI colour codes (kept: the collector receives them as the CI prints them). */
  ansiLines: number;
}

/**
 * The real job logs as log batches, cut into lines the way the collector does
 * for a text/plain body (LF or CRLF end a line, a BOM is dropped, a line is cut
 * to the contract's limit): one pipeline per project, one run per pass/fail
 * log, at most MAX_LOG_LINES lines a batch.
 */
export async function loadCiLogs(directory: string): Promise<{ items: LogItem[]; stats: LogFileStats }> {
  const stats: LogFileStats = { files: 0, lines: 0, cutLines: 0, ansiLines: 0 };
  const items: LogItem[] = [];
  const cases = (await readdir(directory, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  let at = Date.UTC(2024, 0, 1);
  for (const name of cases) {
    const project = name.replace(/_\d+$/, '');
    for (const outcome of ['pass', 'fail']) {
      let text: string;
      try {
        text = await readFile(join(directory, name, `${outcome}.log`), 'utf8');
      } catch {
        continue;
      }
      stats.files++;
      const lines = splitLines(text, stats);
      for (let start = 0, part = 0; start < lines.length; start += MAX_LOG_LINES, part++) {
        const batch: LogBatch = {
          schema: LOG_SCHEMA,
          event_id: `cidiff-${name}-${outcome}-${part}`,
          source: 'generic',
          pipeline: { id: `cidiff:${project}` },
          run: { id: `${name}:${outcome}` },
          lines: lines.slice(start, start + MAX_LOG_LINES).map((line) => ({ text: line })),
        };
        items.push({ kind: 'log', at: (at += 60_000), batch, causes: [] });
      }
    }
  }
  return { items, stats };
}

function splitLines(text: string, stats: LogFileStats): string[] {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const raw = body.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  if (raw.length > 0 && raw[raw.length - 1] === '') raw.pop();
  const out = raw.map((line) => {
    stats.lines++;
    if (/\u001b\[/.test(line)) stats.ansiLines++;
    if (line.length <= MAX_LINE) return line;
    stats.cutLines++;
    return line.slice(0, MAX_LINE);
  });
  // A batch needs at least one line.
  return out.length > 0 ? out : [''];
}
