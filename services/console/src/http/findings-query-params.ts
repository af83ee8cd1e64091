import { z } from 'zod';
import { RuleCategory, Severity, describeIssues, type IssueReport } from '@pipewatch/shared';
import { decodeCursor } from '../findings/finding-order.js';
import type { FindingsQuery } from '../findings/findings-reader.js';

const list = <T extends z.ZodType<unknown, string>>(item: T) =>
  z
    .string()
    .transform((text) => text.split(',').map((part) => part.trim()).filter((part) => part.length > 0))
    .pipe(z.array(item).min(1));

const time = z.iso.datetime({ offset: true });
const pattern = z.string().min(1).max(300);

/** `GET /v1/findings` query parameters; the README's table lists the same. */
export const FindingsQueryParams = z.strictObject({
  severity: list(Severity).optional(),
  min_severity: Severity.optional(),
  category: list(RuleCategory).optional(),
  rule: pattern.optional(),
  repository: pattern.optional(),
  pipeline: pattern.optional(),
  run: pattern.optional(),
  since: time.optional(),
  until: time.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(2000).optional(),
});

export type ParsedQuery = { ok: true; query: FindingsQuery } | { ok: false; issues: IssueReport[] };

/** Empty parameters (`?severity=`) mean "no filter"; repeated ones (`?severity=a&severity=b`) add up. */
function normalize(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries((raw ?? {}) as Record<string, unknown>)) {
    const text = Array.isArray(value) ? value.map(String).join(',') : String(value);
    if (text !== '') out[key] = text;
  }
  return out;
}

export function parseFindingsQuery(raw: unknown): ParsedQuery {
  const parsed = FindingsQueryParams.safeParse(normalize(raw));
  if (!parsed.success) return { ok: false, issues: describeIssues(parsed.error) };
  const params = parsed.data;
  const after = params.cursor === undefined ? undefined : decodeCursor(params.cursor);
  if (params.cursor !== undefined && !after) return { ok: false, issues: [{ path: 'cursor', message: 'not a cursor this API handed out' }] };
  const query: FindingsQuery = {
    limit: params.limit,
    ...(params.severity ? { severities: params.severity } : {}),
    ...(params.min_severity ? { minSeverity: params.min_severity } : {}),
    ...(params.category ? { categories: params.category } : {}),
    ...(params.rule ? { rule: params.rule } : {}),
    ...(params.repository ? { repository: params.repository } : {}),
    ...(params.pipeline ? { pipeline: params.pipeline } : {}),
    ...(params.run ? { run: params.run } : {}),
    ...(params.since ? { since: params.since } : {}),
    ...(params.until ? { until: params.until } : {}),
    ...(after ? { after } : {}),
  };
  return { ok: true, query };
}
