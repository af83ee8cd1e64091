import { DEFAULT_SETTINGS, detectRun, type PipelineBaseline } from '@pipewatch/detector';
import type { RunEvent } from '@pipewatch/shared';

/**
 * The findings the accepted events must raise: the detector's own code, in this
 * process, over each pipeline's accepted events in the order they were accepted.
 * Baselines are per pipeline, so only the per-pipeline order matters.
 */
export function expectedFindings(acceptedByPipeline: Iterable<readonly RunEvent[]>): Map<string, { rule: string; event: string }> {
  const expected = new Map<string, { rule: string; event: string }>();
  for (const events of acceptedByPipeline) {
    let baseline: PipelineBaseline | undefined;
    for (const event of events) {
      const detection = detectRun(baseline, event, DEFAULT_SETTINGS, event.occurred_at);
      baseline = detection.baseline;
      for (const finding of detection.findings) expected.set(finding.finding_id, { rule: finding.rule.id, event: event.event_id });
    }
  }
  return expected;
}
