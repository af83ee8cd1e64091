import { hash } from 'node:crypto';

/** Same (pipeline, run, rule, subject) → same id, so redeliveries can never duplicate an alert. */
export function findingId(pipelineId: string, runId: string, ruleId: string, subject: string): string {
  // One-shot `hash`: no Hash object per finding.
  return hash('sha256', [pipelineId, runId, ruleId, subject].join('\u0000'), 'hex').slice(0, 32);
}
