import type { Rule } from './rule.js';

/** Triggers that run code a maintainer has not reviewed with the base repository's privileges. */
const UNTRUSTED_TRIGGERS: ReadonlySet<string> = new Set(['pull_request_target']);

/**
 * Untrusted code with secrets in reach (M1660): a fork's pull request, or a
 * `pull_request_target` run, that received secrets. Needs no history.
 */
export const contextRule: Rule = (context) => {
  const { run, access } = context.event;
  const trigger = run.trigger ?? '';
  const untrusted = run.from_fork === true || UNTRUSTED_TRIGGERS.has(trigger);
  const secrets = [...new Set(access?.secrets ?? [])].sort();
  if (!untrusted || secrets.length === 0) return [];
  const why = run.from_fork === true ? `code from a fork${trigger ? ` (trigger ${trigger})` : ''}` : `a ${trigger} run`;
  return [
    {
      ruleId: 'context.untrusted_code.secrets',
      ruleName: 'Untrusted code ran with secrets',
      category: 'context',
      severity: 'high',
      score: Math.min(0.95, 0.75 + 0.05 * secrets.length),
      subject: 'secrets',
      summary: `${capitalise(why)} ran with ${secrets.length} secret(s) (${secrets.slice(0, 5).join(', ')}${secrets.length > 5 ? ', …' : ''}); unreviewed code must not see secrets: isolate this workflow and rotate them if the code was not trusted.`,
      evidence: {
        observed: { from_fork: run.from_fork ?? false, trigger: trigger || null, actor: run.actor ?? null, secrets },
      },
      mitigations: ['M1660', 'M1662'],
    },
  ];
};

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
