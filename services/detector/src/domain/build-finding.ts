import { FINDING_SCHEMA, type Finding, type RunEvent, type Threat } from '@pipewatch/shared';
import type { LastGoodRun } from './baseline.js';
import { findingId } from './finding-id.js';
import type { Candidate } from './rules/rule.js';

const T0159: Threat['technique'] = { id: 'T0159', name: 'Malicious artifact execution' };

/** Turns what a rule saw into a contract finding about one run. */
export function buildFinding(candidate: Candidate, event: RunEvent, detectedAt: string, lastGood?: LastGoodRun | null): Finding {
  const { run } = event;
  return {
    schema: FINDING_SCHEMA,
    finding_id: findingId(event.pipeline.id, run.id, candidate.ruleId, candidate.subject),
    detected_at: detectedAt,
    rule: { id: candidate.ruleId, name: candidate.ruleName, category: candidate.category },
    severity: candidate.severity,
    score: candidate.score,
    pipeline: { ...event.pipeline },
    run: compact({
      id: run.id,
      attempt: run.attempt,
      number: run.number,
      url: run.url,
      status: run.status,
      trigger: run.trigger,
      branch: run.branch,
      commit: run.commit,
      actor: run.actor,
      from_fork: run.from_fork,
    }) as Finding['run'],
    event_ids: [event.event_id],
    summary: candidate.summary,
    // Every finding points at the last run that was normal, the first place to diff against.
    evidence: lastGood && !('last_good_run' in candidate.evidence)
      ? { ...candidate.evidence, last_good_run: { run_id: lastGood.run_id, occurred_at: lastGood.occurred_at } }
      : candidate.evidence,
    threat: { framework: 'OSC&R', technique: T0159, mitigations: candidate.mitigations },
    subject: candidate.subject,
  };
}

function compact<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as Partial<T>;
}
