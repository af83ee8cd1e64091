import { createHash } from 'node:crypto';

/**
 * The run event's id: a hash of pipeline, run and attempt (plus the step, when one job
 * forwards several commands), so a resend from the spool is recognised as the same event.
 */
export function runEventId(parts: { pipelineId: string; runId: string; attempt?: string | number; step?: string }): string {
  const material = ['agent', parts.pipelineId, parts.runId, String(parts.attempt ?? ''), parts.step ?? ''].join('\n');
  return `agent-${createHash('sha256').update(material).digest('hex').slice(0, 40)}`;
}

/** Log batch ids: fixed when the batch is cut, so a retried or spooled batch keeps its id. */
export function logBatchId(runEvent: string, invocation: string, sequence: number): string {
  return `${runEvent}-log-${invocation}-${sequence}`;
}
