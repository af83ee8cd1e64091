import type { Finding } from '@pipewatch/shared';
import type { FindingsCursor } from './findings-reader.js';

/** The sort key of a finding: newest first, ties broken by id (descending) so paging is stable. */
export function cursorOf(finding: Finding): FindingsCursor {
  return { at: Date.parse(finding.detected_at), id: finding.finding_id };
}

/** Negative when `a` sorts before `b` in ascending (oldest first) order. */
export function compareCursors(a: FindingsCursor, b: FindingsCursor): number {
  if (a.at !== b.at) return a.at - b.at;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Opaque to clients: base64url of `[at, id]`. */
export function encodeCursor(cursor: FindingsCursor): string {
  return Buffer.from(JSON.stringify([cursor.at, cursor.id]), 'utf8').toString('base64url');
}

export function decodeCursor(text: string): FindingsCursor | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && Number.isFinite(value[0]) && typeof value[1] === 'string') {
      return { at: value[0] as number, id: value[1] };
    }
  } catch {
    // fall through: not one of ours
  }
  return undefined;
}
