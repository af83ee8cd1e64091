import { FINDING_SCHEMA, severityRank, type Finding, type LogBatch } from '@pipewatch/shared';
import type { PipelineBaseline } from '../baseline.js';
import { findingId } from '../finding-id.js';
import { judgeLogBatch } from './log-rules.js';

const MAX_MATCHES = 5;

/**
 * Judges one log batch. Log rules need no learning; the baseline only tells
 * which hosts the pipeline already trusts. One finding per (run, rule): a second
 * batch of the same run matching the same rule gives the same finding id.
 */
export function detectLogBatch(baseline: PipelineBaseline | undefined, batch: LogBatch, detectedAt: string, minRuns = 10): Finding[] {
  return judgeLogBatch(batch, baseline, minRuns)
    .map((candidate): Finding => ({
      schema: FINDING_SCHEMA,
      finding_id: findingId(batch.pipeline.id, batch.run.id, candidate.ruleId, 'log'),
      detected_at: detectedAt,
      rule: { id: candidate.ruleId, name: candidate.ruleName, category: candidate.category },
      severity: candidate.severity,
      score: candidate.score,
      pipeline: { id: batch.pipeline.id },
      run: { id: batch.run.id },
      event_ids: [batch.event_id],
      summary: candidate.summary,
      evidence: {
        ...(batch.step ? { step: batch.step } : {}),
        lines_matched: candidate.matches.length,
        matches: candidate.matches.slice(0, MAX_MATCHES),
        ...candidate.extra,
      },
      threat: { framework: 'OSC&R', technique: { id: 'T0159', name: 'Malicious artifact execution' }, mitigations: candidate.mitigations },
      subject: 'log',
    }))
    .sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || (a.rule.id < b.rule.id ? -1 : 1));
}
