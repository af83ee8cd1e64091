import { createHash } from 'node:crypto';

/** Same (pipeline, run, rule, subject) → same id, so redeliveries can never duplicate an alert. */
export function findingId(pipelineId: string, runId: string, ruleId: string, subject: string): string {
  return createHash('sha256').update([pipelineId, runId, ruleId, subject].join('\u0000')).digest('hex').slice(0, 32);
}
