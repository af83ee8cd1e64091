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
export function splitBody(body: RawBody): SplitBody {
  const text = body.text.startsWith('\uFEFF') ? body.text.slice(1) : body.text;
  if (text.trim() === '') return { kind: 'empty' };
  if (body.format === 'json') {
    const parsed = parseLine(text, 1);
    if ('value' in parsed && Array.isArray(parsed.value)) return { kind: 'array' };
    return collect([parsed]);
  }
  const parsedLines: Array<BodyRecord | LineError> = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() !== '') parsedLines.push(parseLine(line, index + 1));
  });
  return collect(parsedLines);
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
