import { z } from 'zod';
import { PipelineRef, Timestamp } from './common.js';
import { RunInfo } from './run-event.js';

export const FINDING_SCHEMA = 'pipewatch.finding/v1';

export const Severity = z.enum(['low', 'medium', 'high', 'critical']);
export type Severity = z.infer<typeof Severity>;

export const RuleCategory = z.enum(['resource', 'access', 'integrity', 'context', 'log']);
export type RuleCategory = z.infer<typeof RuleCategory>;

export const Threat = z.strictObject({
  framework: z.literal('OSC&R'),
  technique: z.strictObject({ id: z.string(), name: z.string() }),
  mitigations: z.array(z.string()).optional(),
});
export type Threat = z.infer<typeof Threat>;

/** The definition zod alone parses; the export below is it compiled, as RunEvent is (see run-event.ts). */
export const UncompiledFinding = z.strictObject({
  schema: z.literal(FINDING_SCHEMA),
  finding_id: z.string().min(1).max(200),
  detected_at: Timestamp,
  rule: z.strictObject({
    id: z.string().regex(/^[a-z0-9_]+(\.[a-z0-9_]+)+$/, 'dotted lower-case rule id'),
    name: z.string().min(1),
    category: RuleCategory,
  }),
  severity: Severity,
  score: z.number().min(0).max(1),
  pipeline: PipelineRef,
  run: RunInfo.partial().extend({ id: z.string().min(1) }),
  event_ids: z.array(z.string()).min(1),
  summary: z.string().min(1).max(1000),
  evidence: z.record(z.string(), z.unknown()),
  threat: Threat.optional(),
  /** Extension: the baseline subject (host, secret name, metric...) the finding is about. */
  subject: z.string().max(1000).optional(),
});
export const Finding = z.compile(UncompiledFinding);
export type Finding = z.infer<typeof Finding>;

const SEVERITY_RANK: Record<Severity, number> = { low: 1, medium: 2, high: 3, critical: 4 };

export function severityRank(severity: Severity): number {
  return SEVERITY_RANK[severity];
}
