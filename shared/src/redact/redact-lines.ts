import { REDACTED, redactText } from './redact-text.js';
import { PRIVATE_KEY_BEGIN, PRIVATE_KEY_END } from './secret-patterns.js';

export interface LinesRedaction {
  /** The same number of lines, in the same order, secrets replaced. */
  lines: string[];
  /** How many secrets were replaced, per kind; a multi-line key block counts once. */
  counts: Record<string, number>;
}

/** A line of a key block's body: base64, optionally after a CI timestamp prefix (checked by lookahead: linear time). */
const KEY_BODY_LINE = /^(?:(?=\S*\d{2}:\d{2}:\d{2})\S+\s+)?[A-Za-z0-9+/=]{16,}\s*$/;

/**
 * Redacts a log line by line, keeping the line count (each line keeps its
 * timestamp and stream), and also catches what one line cannot show: the body
 * of a private key printed over many lines. Every line after a BEGIN is masked
 * until its END, or to the end of the batch when the END never comes; an END
 * with no BEGIN before it (a block split across two batches) masks the base64
 * lines just above it.
 */
export function redactLines(input: readonly string[], knownValues: readonly string[] = []): LinesRedaction {
  const lines: string[] = [];
  const counts: Record<string, number> = {};
  const add = (more: Record<string, number>): void => {
    for (const [kind, n] of Object.entries(more)) counts[kind] = (counts[kind] ?? 0) + n;
  };
  let insideKey = false;
  for (const line of input) {
    if (insideKey) {
      const end = PRIVATE_KEY_END.exec(line);
      if (!end) {
        lines.push(REDACTED);
        continue;
      }
      insideKey = false;
      const rest = redactText(line.slice(end.index + end[0].length), knownValues);
      add(rest.counts);
      lines.push(REDACTED + rest.text);
      continue;
    }
    const begin = PRIVATE_KEY_BEGIN.exec(line);
    const end = PRIVATE_KEY_END.exec(line);
    if (begin && !(end && end.index > begin.index)) insideKey = true;
    if (end && !begin) {
      // The tail of a block whose BEGIN was in an earlier batch.
      let first = lines.length;
      while (first > 0 && KEY_BODY_LINE.test(input[first - 1]!)) first--;
      for (let i = first; i < lines.length; i++) lines[i] = REDACTED;
      const rest = redactText(line.slice(end.index + end[0].length), knownValues);
      add({ private_key: 1 });
      add(rest.counts);
      lines.push(REDACTED + rest.text);
      continue;
    }
    const result = redactText(line, knownValues);
    add(result.counts);
    lines.push(result.text);
  }
  return { lines, counts };
}
