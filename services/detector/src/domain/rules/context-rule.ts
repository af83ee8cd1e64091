import { permissionRank } from '../normalize.js';
import { seenEntry, topSeen } from '../seen-set.js';
import type { Candidate, Rule, RuleContext } from './rule.js';

/** Triggers that run code a maintainer has not reviewed with the base repository's privileges. */
const UNTRUSTED_TRIGGERS: ReadonlySet<string> = new Set(['pull_request_target']);

/** Jobs whose output other people install: their identity and trigger should never surprise. */
const RELEASE_JOB = /(publish|release|deploy|upload|push-image|sign)/i;

/** A job whose output other people install: named like a release, or producing artifacts. */
export function isReleaseJob(event: RuleContext['event']): boolean {
  const { pipeline, artifacts } = event;
  return RELEASE_JOB.test(`${pipeline.job ?? ''} ${pipeline.name ?? ''} ${pipeline.id}`) || (artifacts?.length ?? 0) > 0;
}

/**
 * Where and how untrusted code ran (M1660, M1662): with secrets, on a persistent
 * self-hosted runner, with write permissions; and release jobs run by someone or
 * something unusual. The first three need no history.
 */
export const contextRule: Rule = (context) => {
  const { run } = context.event;
  const trigger = run.trigger ?? '';
  const untrusted = run.from_fork === true || UNTRUSTED_TRIGGERS.has(trigger);
  return [
    ...(untrusted ? untrustedFindings(context, trigger) : []),
    ...(context.judging ? releaseFindings(context) : []),
  ];
};

function untrustedFindings(context: RuleContext, trigger: string): Candidate[] {
  const { run, access, runner } = context.event;
  const why = run.from_fork === true ? `code from a fork${trigger ? ` (trigger ${trigger})` : ''}` : `a ${trigger} run`;
  const observed = { from_fork: run.from_fork ?? false, trigger: trigger || null, actor: run.actor ?? null };
  const out: Candidate[] = [];
  const secrets = [...new Set(access?.secrets ?? [])].sort();
  if (secrets.length > 0) {
    out.push({
      ruleId: 'context.untrusted_code.secrets',
      ruleName: 'Untrusted code ran with secrets',
      category: 'context',
      severity: 'high',
      score: Math.min(0.95, 0.75 + 0.05 * secrets.length),
      subject: 'secrets',
      summary: `${capitalise(why)} ran with ${secrets.length} secret(s) (${secrets.slice(0, 5).join(', ')}${secrets.length > 5 ? ', …' : ''}); unreviewed code must not see secrets: isolate this workflow and rotate them if the code was not trusted.`,
      evidence: { observed: { ...observed, secrets } },
      mitigations: ['M1660', 'M1662'],
    });
  }
  if (runner?.self_hosted === true && runner.ephemeral !== true) {
    out.push({
      ruleId: 'context.untrusted_code.persistent_runner',
      ruleName: 'Untrusted code on a persistent self-hosted runner',
      category: 'context',
      severity: 'high',
      score: 0.85,
      subject: runner.name ?? 'self-hosted',
      summary: `${capitalise(why)} ran on self-hosted runner ${runner.name ?? '(unnamed)'}, which is not ephemeral: anything it left behind (a cache, a binary, a cron job) runs in the next trusted job; use ephemeral runners for untrusted code.`,
      evidence: { observed: { ...observed, runner: { name: runner.name ?? null, labels: runner.labels ?? [], ephemeral: runner.ephemeral ?? null } } },
      mitigations: ['M1660'],
    });
  }
  const writes = Object.entries(access?.permissions ?? {}).filter(([, level]) => permissionRank(level) >= permissionRank('write'));
  if (writes.length > 0) {
    out.push({
      ruleId: 'context.untrusted_code.write_permissions',
      ruleName: 'Untrusted code with a write token',
      category: 'context',
      severity: 'high',
      score: 0.8,
      subject: 'permissions',
      summary: `${capitalise(why)} ran with a token that can write (${writes.map(([scope, level]) => `${scope}: ${level}`).join(', ')}); untrusted triggers should get read-only tokens.`,
      evidence: { observed: { ...observed, permissions: Object.fromEntries(writes) } },
      mitigations: ['M1660', 'M1662'],
    });
  }
  return out;
}

function releaseFindings(context: RuleContext): Candidate[] {
  const { run } = context.event;
  if (!isReleaseJob(context.event)) return [];
  const { actors, triggers } = context.baseline.seen;
  const unusual: string[] = [];
  const newActor = run.actor !== undefined && !seenEntry(actors, run.actor);
  const newTrigger = run.trigger !== undefined && !seenEntry(triggers, run.trigger);
  if (newActor) unusual.push(`actor ${run.actor}`);
  if (newTrigger) unusual.push(`trigger ${run.trigger}`);
  if (unusual.length === 0) return [];
  // Whoever merges often runs the release, so a new actor alone is a note; a new way of
  // starting the release (dispatch, a PR trigger) is worth a look, and both together more.
  const severity = newActor && newTrigger ? 'high' : newTrigger ? 'medium' : 'low';
  return [
    {
      ruleId: 'context.release.unusual_identity',
      ruleName: 'Release job run by an unusual identity or trigger',
      category: 'context',
      severity,
      score: severity === 'high' ? 0.85 : severity === 'medium' ? 0.65 : 0.35,
      subject: unusual.join(' '),
      summary: `This release job ran with ${unusual.join(' and ')}, unlike its ${context.baseline.runs} earlier runs (usually ${topSeen(actors, 2).map((a) => a.value).join(', ') || 'n/a'} on ${topSeen(triggers, 2).map((t) => t.value).join(', ') || 'n/a'}); confirm this release was intended before anyone installs it.`,
      evidence: { observed: { actor: run.actor ?? null, trigger: run.trigger ?? null }, baseline: { runs: context.baseline.runs, usual_actors: topSeen(actors, 5), usual_triggers: topSeen(triggers, 5) } },
      mitigations: ['M1662', 'M1590'],
    },
  ];
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
