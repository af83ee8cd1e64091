import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Finding } from '@pipewatch/shared';
import { globMatches } from '../routing/glob.js';

/**
 * A rule that silences matching findings until a time. Findings it matches are
 * still stored (marked suppressed) but not notified; once `until` has passed it no
 * longer applies.
 */
export const Suppression = z.strictObject({
  id: z.string().regex(/^sup-[a-z0-9]{6,32}$/),
  /** Glob over pipeline.id (`*` matches anything). */
  pipeline: z.string().min(1).max(300),
  /** A rule id or a glob over rule ids, e.g. `access.egress.*`. */
  rule: z.string().min(1).max(200),
  /** The finding's subject (host, metric, secret name...) or `*` for any. */
  subject: z.string().min(1).max(1000),
  until: z.iso.datetime({ offset: true }),
  reason: z.string().min(1).max(1000),
  author: z.string().min(1).max(200),
  created_at: z.iso.datetime({ offset: true }),
});
export type Suppression = z.infer<typeof Suppression>;

export type NewSuppression = Omit<Suppression, 'id' | 'created_at'>;

export function newSuppressionId(): string {
  return `sup-${randomBytes(6).toString('hex')}`;
}

export function isSuppressionActive(suppression: Suppression, now: Date): boolean {
  return Date.parse(suppression.until) > now.getTime();
}

export function suppressionMatches(suppression: Suppression, finding: Finding): boolean {
  return (
    globMatches(suppression.pipeline, finding.pipeline.id) &&
    globMatches(suppression.rule, finding.rule.id) &&
    (suppression.subject === '*' || (finding.subject !== undefined && globMatches(suppression.subject, finding.subject)))
  );
}

/** The active suppression silencing a finding, if one does; the one lasting longest wins. */
export function findSuppression(suppressions: readonly Suppression[], finding: Finding, now: Date): Suppression | undefined {
  return suppressions
    .filter((suppression) => isSuppressionActive(suppression, now) && suppressionMatches(suppression, finding))
    .sort((a, b) => Date.parse(b.until) - Date.parse(a.until))[0];
}

const DURATION = /^(\d+)\s*(m|h|d|w)$/;
const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/**
 * `--until` as a time: a duration from now (`30m`, `12h`, `7d`, `2w`) or an
 * RFC 3339 date/time (a bare date means its start, UTC). Must lie in the future.
 */
export function parseUntil(value: string, now: Date): string {
  const text = value.trim();
  const duration = DURATION.exec(text);
  let at: number;
  if (duration) {
    at = now.getTime() + Number(duration[1]) * UNIT_MS[duration[2]!]!;
  } else if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    at = Date.parse(`${text}T00:00:00Z`);
  } else if (/^\d{4}-\d{2}-\d{2}T/.test(text)) {
    at = Date.parse(text);
  } else {
    throw new RangeError(`--until must be a duration like 7d, 12h, 30m, 2w or a date like 2026-12-31, got "${value}"`);
  }
  if (!Number.isFinite(at)) throw new RangeError(`--until "${value}" is not a valid date`);
  if (at <= now.getTime()) throw new RangeError(`--until "${value}" is not in the future`);
  return new Date(at).toISOString();
}
