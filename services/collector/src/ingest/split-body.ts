import { errorMessage } from '@pipewatch/shared';
import type { LineError } from './line-error.js';
import type { RawBody } from './raw-body.js';

/** One parsed JSON value and the body line it came from. */
export interface BodyRecord {
  line: number;
  value: unknown;
}

export type SplitBody =
  | { kind: 'empty' }
  | { kind: 'array' }
  | { kind: 'records'; records: BodyRecord[]; errors: LineError[] };

/**
 * Turns a body into JSON values with their line numbers. Plain JSON.parse is enough
 * against prototype pollution: it defines `__proto__` as an ordinary own key, and
 * the strict schemas then refuse it as unknown.
 */
const NOT_BLANK = /\S/;

export function splitBody(body: RawBody): SplitBody {
  const text = body.text.startsWith('\uFEFF') ? body.text.slice(1) : body.text;
  if (!NOT_BLANK.test(text)) return { kind: 'empty' };
  if (body.format === 'json') {
    const parsed = parseLine(text, 1);
    if ('value' in parsed && Array.isArray(parsed.value)) return { kind: 'array' };
    return collect([parsed]);
  }
  // Walks the body line by line without an intermediate array of every line (or trimmed copies).
  const records: BodyRecord[] = [];
  const errors: LineError[] = [];
  let start = 0;
  for (let line = 1; start <= text.length; line++) {
    const newline = text.indexOf('\n', start);
    let end = newline === -1 ? text.length : newline;
    if (end > start && text.charCodeAt(end - 1) === 13) end--;
    const raw = text.slice(start, end);
    if (NOT_BLANK.test(raw)) {
      const parsed = parseLine(raw, line);
      if ('value' in parsed) records.push(parsed);
      else errors.push(parsed);
    }
    if (newline === -1) break;
    start = newline + 1;
  }
  return { kind: 'records', records, errors };
}

function parseLine(text: string, line: number): BodyRecord | LineError {
  try {
    return { line, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { line, code: 'invalid_json', issues: [{ path: '(root)', message: errorMessage(error) }] };
  }
}

function collect(parsed: Array<BodyRecord | LineError>): SplitBody {
  const records: BodyRecord[] = [];
  const errors: LineError[] = [];
  for (const item of parsed) {
    if ('value' in item) records.push(item);
    else errors.push(item);
  }
  return { kind: 'records', records, errors };
}
