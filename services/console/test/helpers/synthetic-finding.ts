import type { Finding, RuleCategory, Severity } from '@pipewatch/shared';

/** A contract-valid finding with the fields the filters look at set as asked. */
export function syntheticFinding(
  n: number,
  overrides: { severity?: Severity; category?: RuleCategory; ruleId?: string; pipeline?: string; repository?: string; at?: string; runId?: string } = {},
): Finding {
  const category = overrides.category ?? 'resource';
  return {
    schema: 'pipewatch.finding/v1',
    finding_id: `f-${String(n).padStart(4, '0')}`,
    detected_at: overrides.at ?? new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString(),
    rule: { id: overrides.ruleId ?? `${category}.example.rule`, name: 'Example rule', category },
    severity: overrides.severity ?? 'medium',
    score: 0.5,
    pipeline: { id: overrides.pipeline ?? 'github:octo/app:ci.yml:build', ...(overrides.repository === '' ? {} : { repository: overrides.repository ?? 'octo/app' }) },
    run: { id: overrides.runId ?? `r${n}` },
    event_ids: [`e${n}`],
    summary: `finding number ${n}`,
    evidence: {},
  };
}
