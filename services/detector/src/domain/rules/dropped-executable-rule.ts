import { pathShape } from '../normalize.js';
import { seenEntry } from '../seen-set.js';
import type { Candidate, Rule, RuleContext } from './rule.js';

/** The seen-set key of a place the job writes executables to and runs them from (go test, cargo test). */
export function droppedExecutableKey(exe: string): string {
  return `dropped:${pathShape(exe)}`;
}

export function droppedExecutableKeys(event: RuleContext['event']): string[] {
  return (event.access?.processes ?? []).filter((process) => process.dropped === true).map((process) => droppedExecutableKey(process.exe));
}

/**
 * The job wrote a file and then ran it: how a second-stage payload starts. Builds do this
 * too (test binaries), always in the same places, so a place learned from earlier runs is
 * quiet; a new one is high once the pipeline has history, a note while it learns.
 */
export const droppedExecutableRule: Rule = (context) => {
  const out: Candidate[] = [];
  const reported = new Set<string>();
  for (const process of context.event.access?.processes ?? []) {
    if (process.dropped !== true) continue;
    const key = droppedExecutableKey(process.exe);
    if (reported.has(key) || seenEntry(context.baseline.seen.files, key)) continue;
    if (seenEntry(context.baseline.seen.processes, process.exe)) continue;
    reported.add(key);
    const severity = context.judging ? 'high' : 'low';
    out.push({
      ruleId: 'access.process.dropped',
      ruleName: 'Executable written and run by the job',
      category: 'access',
      severity,
      score: context.judging ? 0.85 : 0.4,
      subject: pathShape(process.exe),
      summary: `The job wrote ${process.exe} and then ran it${process.parent ? ` (from ${process.parent})` : ''}${process.argv ? ` as \`${process.argv.slice(0, 6).join(' ')}\`` : ''}; none of its ${context.baseline.runs} earlier runs ran a file written in that place. Find the step that downloaded or unpacked it and treat the job's secrets as exposed.`,
      evidence: { observed: { ...process }, path_shape: pathShape(process.exe), baseline: { runs: context.baseline.runs } },
      mitigations: ['D1590', 'M1591'],
    });
  }
  return out;
};
