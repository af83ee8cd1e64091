import type { Severity } from '@pipewatch/shared';
import { seenEntry } from '../seen-set.js';
import { isReleaseJob } from './context-rule.js';
import type { Candidate, Rule, RuleContext } from './rule.js';

/** The seen-set key of a tracked file a run left changed: learned, so code generators stay quiet. */
export function sourceWriteKey(path: string): string {
  return `git:${path}`;
}

/** Keys learned from a run: only files it left changed (a restored swap is never normal). */
export function sourceWriteKeys(event: RuleContext['event']): string[] {
  return (event.access?.source_writes ?? []).filter((write) => write.changed && !write.restored).map((write) => sourceWriteKey(write.path));
}

/**
 * A file tracked by version control changed while the job ran (SolarWinds SUNSPOT swapped
 * a source file for the length of the compile and put it back). Needs no history for the
 * swap-and-restore case; a file left changed is judged against the files this pipeline's
 * earlier runs left changed (code generators, version bumps).
 */
export const sourceTamperRule: Rule = (context) => {
  const out: Candidate[] = [];
  const release = isReleaseJob(context.event);
  // While the job runs, a change not put back yet may still be: the swap is in progress.
  const running = context.event.run.status === 'running';
  for (const write of context.event.access?.source_writes ?? []) {
    if (!write.changed) continue;
    const learned = seenEntry(context.baseline.seen.files, sourceWriteKey(write.path)) !== undefined;
    if (!write.restored && learned) continue;
    const severity: Severity = write.restored ? 'critical' : release || running ? 'high' : context.judging ? 'medium' : 'low';
    const what = write.restored
      ? `was changed during the run and put back before it ended (git blob ${short(write.before)} before and after)`
      : running
        ? `was changed while the build is still running (git blob ${short(write.before)} → ${write.after ? short(write.after) : 'deleted'}); a swap put back before the end is how SUNSPOT hid`
        : `was changed and left changed (git blob ${short(write.before)} → ${write.after ? short(write.after) : 'deleted'})${release ? ' in a release job' : ''}`;
    out.push({
      ruleId: 'integrity.source.tampered',
      ruleName: 'Tracked source file changed during the build',
      category: 'integrity',
      severity,
      score: write.restored ? 0.97 : release || running ? 0.85 : 0.55,
      // A swap found put back is its own finding: worse than the change seen while it lasted.
      subject: write.restored ? `restored:${write.path}` : write.path,
      summary: `${write.path}, tracked by the repository, ${what}; none of ${context.baseline.runs} earlier runs left it changed. What was built may not be what was reviewed: diff the built output against a clean build and find the process that wrote it.`,
      evidence: { observed: { ...write }, release_job: release, baseline: { runs: context.baseline.runs, learned_as_generated: learned } },
      mitigations: ['D1590', 'M1590'],
    });
  }
  return out;
};

function short(blob: string | undefined): string {
  return blob ? blob.slice(0, 12) : 'unknown';
}
