import type { GitHubJobLogFacts, RunEvent } from '@pipewatch/shared';

const MAX_STEPS = 1000;

/**
 * The webhook's run event plus what the job's own log says about it: the commit each
 * `uses:` action resolved to (so a moved tag is seen, tj-actions/changed-files), the
 * GITHUB_TOKEN's permissions, and the runner's image and whether GitHub hosts it. Pure.
 * A webhook step named `Run owner/repo@ref` gets its action's SHA; an action with no such
 * step (nested in a composite, or a step given its own name) is added as a step of its own.
 */
export function mergeGitHubJobLog(event: RunEvent, facts: GitHubJobLogFacts, truncated: boolean): RunEvent {
  const steps = (event.steps ?? []).map((step) => ({ ...step }));
  const byAction = new Map<string, number>();
  steps.forEach((step, index) => {
    if (step.action && !byAction.has(step.action)) byAction.set(step.action, index);
  });
  for (const download of facts.actions) {
    const at = byAction.get(download.action);
    if (at !== undefined) {
      steps[at]!.action_sha ??= download.sha;
      continue;
    }
    if (steps.length >= MAX_STEPS) break;
    byAction.set(download.action, steps.length);
    steps.push({ name: `${download.nested ? 'nested action' : 'action'} ${download.action}`.slice(0, 500), action: download.action.slice(0, 500), action_sha: download.sha });
  }
  const permissions = Object.keys(facts.permissions).length > 0 ? facts.permissions : undefined;
  const runner = { ...(event.runner ?? {}) };
  if (facts.hosted === true) {
    runner.self_hosted = false;
    runner.ephemeral = true; // every GitHub-hosted job gets a fresh VM
  } else if (facts.hosted === false) runner.self_hosted = true;
  if (!runner.name && facts.runner.name) runner.name = facts.runner.name.slice(0, 300);
  const image = facts.runner.image;
  return {
    ...event,
    ...(steps.length > 0 ? { steps } : {}),
    ...(Object.keys(runner).length > 0 ? { runner } : {}),
    ...(permissions ? { access: { ...(event.access ?? {}), permissions: { ...permissions, ...(event.access?.permissions ?? {}) } } } : {}),
    attributes: {
      ...(event.attributes ?? {}),
      enrichment: truncated ? 'github-job-log (truncated)' : 'github-job-log',
      ...(image?.image ? { runner_image: image.image.slice(0, 200) } : {}),
      ...(image?.version ? { runner_image_version: image.version.slice(0, 200) } : {}),
      ...(facts.runner.version ? { runner_version: facts.runner.version.slice(0, 100) } : {}),
    },
  };
}
