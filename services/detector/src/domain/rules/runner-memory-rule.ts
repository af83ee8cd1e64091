import type { Candidate, Rule } from './rule.js';

/**
 * The job opened the memory or environment of a process outside its own tree: the
 * runner's, where every secret of the job sits unmasked (the tj-actions/changed-files
 * payload dumped Runner.Worker's memory). Nothing in a build needs that; no history needed.
 */
export const runnerMemoryRule: Rule = (context) => {
  const reads = context.event.access?.memory_reads ?? [];
  const out: Candidate[] = [];
  const reported = new Set<string>();
  for (const read of reads) {
    const kind = read.path.endsWith('/mem') ? 'memory' : read.path.endsWith('/environ') ? 'environment' : 'memory map';
    // A refused attempt has its own subject: a later read that got through is a finding of its own.
    const subject = `${read.denied ? 'denied-' : ''}${kind}:${read.target_exe ?? read.target_pid ?? read.path}`;
    if (reported.has(subject)) continue;
    reported.add(subject);
    out.push({
      ruleId: 'access.runner.memory_read',
      ruleName: 'Read another process\'s memory or environment',
      category: 'access',
      // A refused attempt read nothing, but nothing in a build tries it either.
      severity: kind === 'memory map' || read.denied ? 'high' : 'critical',
      score: kind === 'memory map' || read.denied ? 0.8 : 0.97,
      subject,
      summary: read.denied
        ? `${read.by ?? 'A process of the job'} tried to open ${read.path}${read.target_exe ? ` (${read.target_exe})` : ''}, the ${kind} of a process outside the job's own tree, and was refused; nothing was read, but only a secret-stealing payload tries this: find what ran it and whether it tried again with more privilege.`
        : `${read.by ?? 'A process of the job'} opened ${read.path}${read.target_exe ? ` (${read.target_exe})` : ''}, the ${kind} of a process outside the job's own tree, where the runner keeps every secret unmasked; treat all of this job's secrets as stolen and rotate them.`,
      evidence: { observed: { ...read } },
      mitigations: ['D1590', 'M1660'],
    });
  }
  return out;
};
