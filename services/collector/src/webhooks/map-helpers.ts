import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { describeIssues } from '@pipewatch/shared';
import type { MapResult } from './map-result.js';

/** Cuts a display string to a schema limit. */
export function clip(value: string, max: number): string {
  return value.length <= max ? value : value.slice(0, max);
}

/**
 * Cuts an identifier to a schema limit without merging two long ids into one:
 * the cut one ends in a hash of the whole, so it stays unique and deterministic.
 */
export function clipId(value: string, max: number): string {
  if (value.length <= max) return value;
  const digest = createHash('sha256').update(value, 'utf8').digest('hex').slice(0, 16);
  return `${value.slice(0, max - digest.length - 1)}#${digest}`;
}

const CI_TIME = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)\s*(UTC|Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * An RFC 3339 time from what CIs send: ISO strings, GitLab's `2023-01-10 13:50:05 UTC`,
 * Jenkins' epoch milliseconds. Undefined for anything else, never a guess.
 */
export function isoTime(value: unknown): string | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) && value > 0 ? safeIso(new Date(value)) : undefined;
  }
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const match = CI_TIME.exec(value.trim());
  if (match) {
    const zone = match[3] === undefined || /^(utc|z)$/i.test(match[3]) ? 'Z' : match[3].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
    return safeIso(new Date(`${match[1]}T${match[2]}${zone}`));
  }
  return undefined;
}

function safeIso(date: Date): string | undefined {
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** Seconds from `from` to `to`; undefined when either is missing or the clock ran backwards. */
export function secondsBetween(from: string | undefined, to: string | undefined): number | undefined {
  if (from === undefined || to === undefined) return undefined;
  const seconds = (Date.parse(to) - Date.parse(from)) / 1000;
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

/** Drops undefined members, so a mapped event holds only what the payload said. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, member]) => member !== undefined)) as T;
}

/** An object with no members left is left out altogether. */
export function nonEmpty<T extends object>(value: T): T | undefined {
  const compacted = compact(value);
  return Object.keys(compacted).length > 0 ? compacted : undefined;
}

/** Parses a payload with a (loose) zod schema, or says which fields are wrong. */
export function readPayload<T>(schema: z.ZodType<T>, payload: unknown): { ok: true; value: T } | { ok: false; result: MapResult } {
  const parsed = schema.safeParse(payload);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, result: { kind: 'invalid', issues: describeIssues(parsed.error).slice(0, 20) } };
}

/** A record (attributes, metrics) without its undefined entries; undefined when nothing is left. */
export function record<V>(entries: Record<string, V | undefined>): Record<string, V> | undefined {
  const kept = Object.entries(entries).filter((entry): entry is [string, V] => entry[1] !== undefined);
  return kept.length > 0 ? Object.fromEntries(kept) : undefined;
}

/**
 * `table[key]` for a key that came from a payload or a header, read only from the
 * table's own entries: `constructor`, `__proto__` or `toString` must not find
 * Object.prototype's members (which made e.g. `X-GitHub-Event: __proto__` a 500).
 */
export function lookup<V>(table: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
