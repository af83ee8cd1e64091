import { seenEntry, topSeen } from '../seen-set.js';
import type { Candidate, Rule } from './rule.js';

/** Triggers that run code the base repository did not review, with its privileges. */
export const RISKY_TRIGGERS: ReadonlySet<string> = new Set(['pull_request_target', 'workflow_run', 'issue_comment']);

/**
 * Who and what started the run. New contributors and new triggers are ordinary
 * events, so these are low unless the trigger is one that hands out privileges.
 */
export const identityRule: Rule = (context) => {
  if (!context.judging) return [];
  const { run } = context.event;
  const { actors, triggers } = context.baseline.seen;
  const runs = context.baseline.runs;
  const out: Candidate[] = [];
  if (run.actor && !seenEntry(actors, run.actor)) {
    out.push({
      ruleId: 'access.actor.new',
      ruleName: 'First run by this actor',
      category: 'access',
      severity: 'low',
      score: 0.3,
      subject: run.actor,
      summary: `${run.actor} started this pipeline for the first time in ${runs} runs; usual actors are ${topSeen(actors, 3).map((a) => a.value).join(', ') || 'unknown'}.`,
      evidence: { observed: run.actor, baseline: { runs, usual_actors: topSeen(actors, 10) } },
      mitigations: ['M1662'],
    });
  }
  if (run.trigger && !seenEntry(triggers, run.trigger)) {
    const risky = RISKY_TRIGGERS.has(run.trigger);
    out.push({
      ruleId: 'access.trigger.new',
      ruleName: 'New trigger type',
      category: 'access',
      severity: risky ? 'medium' : 'low',
      score: risky ? 0.6 : 0.3,
      subject: run.trigger,
      summary: `The pipeline ran on ${run.trigger} for the first time in ${runs} runs${risky ? ', a trigger that runs with the base repository\'s secrets' : ''}; check the workflow change that added it.`,
      evidence: { observed: run.trigger, baseline: { runs, usual_triggers: topSeen(triggers, 10) } },
      mitigations: ['M1662'],
    });
  }
  return out;
};
