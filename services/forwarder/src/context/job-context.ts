import type { RunEvent } from '@pipewatch/shared';
import { readWorkspaceDependencies } from '../lockfiles/index.js';
import { actionDirectoryDigests, actionsRootFromEnv } from './action-digests.js';
import { envValue, type Env } from './env.js';
import { readGitHubEventContext } from './github-event-context.js';
import { gitLabSecretNames } from './gitlab-secret-names.js';
import { runnerEphemeral } from './runner-ephemeral.js';
import { readWorkflowFile, workflowFileFromRef } from './workflow-file.js';
import { secretNamesFromWorkflow } from './workflow-secrets.js';

const MAX_DEPENDENCIES = 5000;

/** What the forwarder adds to the final run event from the workspace and the runner. */
export interface JobContext {
  run: Partial<NonNullable<RunEvent['run']>>;
  runner: NonNullable<RunEvent['runner']>;
  secrets: string[];
  dependencies: NonNullable<RunEvent['dependencies']>;
  attributes: Record<string, string | number>;
}

/**
 * Reads, once the command has ended: dependency digests from the lockfiles in the workspace
 * (M1591), the content digest of each action the runner downloaded (a moved tag changes it,
 * with no API access), the trigger, fork and actor from $GITHUB_EVENT_PATH, whether the
 * runner is ephemeral, and the names (never values) of the job's secrets. Nothing here fails
 * the forwarder: what cannot be read is counted in `attributes`.
 */
export async function readJobContext(env: Env, workspace: string): Promise<JobContext> {
  const [deps, actions, event, workflow] = await Promise.all([
    readWorkspaceDependencies(workspace).catch(() => undefined),
    actionDigests(env),
    envValue(env, 'GITHUB_EVENT_PATH') ? readGitHubEventContext(envValue(env, 'GITHUB_EVENT_PATH')!, envValue(env, 'GITHUB_EVENT_NAME')) : Promise.resolve(undefined),
    workflowSecrets(env),
  ]);
  const dependencies = [...actions, ...(deps?.dependencies ?? [])].slice(0, MAX_DEPENDENCIES);
  const run: JobContext['run'] = {};
  if (event?.trigger) run.trigger = event.trigger.slice(0, 100);
  if (event?.from_fork !== undefined) run.from_fork = event.from_fork;
  if (event?.actor) run.actor = event.actor.slice(0, 200);
  const withheld = secretsWithheld(event);
  const secrets = withheld ? [] : [...new Set([...(workflow ?? []), ...(envValue(env, 'GITLAB_CI') ? gitLabSecretNames(env) : [])])].sort().slice(0, 1000);
  const attributes: Record<string, string | number> = {};
  if (withheld && (workflow?.length ?? 0) > 0) attributes.secrets_withheld = withheld;
  if (deps) {
    attributes.lockfiles = deps.lockfiles.length;
    if (deps.truncated > 0) attributes.dependencies_truncated = deps.truncated;
    if (deps.errors.length > 0) attributes.lockfile_errors = deps.errors.length;
  }
  if (actions.length > 0) attributes.action_digests = actions.length;
  if (event?.head_repository) attributes.head_repository = event.head_repository.slice(0, 2000);
  if (event?.error) attributes.event_context_error = event.error.slice(0, 2000);
  return { run, runner: runnerEphemeral(env), secrets, dependencies, attributes };
}

/**
 * GitHub passes no secrets to a `pull_request` run from a fork (only a read-only
 * GITHUB_TOKEN, which the permissions rules judge): the workflow's references are then
 * names the job never had, and listing them would page on every outside contribution.
 */
function secretsWithheld(event: { trigger?: string; from_fork?: boolean } | undefined): string | undefined {
  return event?.from_fork === true && event.trigger === 'pull_request' ? 'fork pull_request' : undefined;
}

/** `_actions/<owner>/<repo>/<ref>` trees as dependencies: name owner/repo, version ref, the tree's digest. */
async function actionDigests(env: Env): Promise<NonNullable<RunEvent['dependencies']>> {
  const root = actionsRootFromEnv(env);
  if (!root) return [];
  const found = await actionDirectoryDigests(root).catch(() => []);
  return found
    .filter((item) => item.digest)
    .map((item) => {
      const at = item.action.lastIndexOf('@');
      return { name: item.action.slice(0, at).slice(0, 500), version: item.action.slice(at + 1).slice(0, 200), digest: item.digest!, source: 'runner _actions directory' };
    });
}

async function workflowSecrets(env: Env): Promise<string[] | undefined> {
  const path = workflowFileFromRef(env);
  if (!path) return undefined;
  const file = await readWorkflowFile(path);
  return file.text === undefined ? undefined : secretNamesFromWorkflow(file.text, envValue(env, 'GITHUB_JOB')).names;
}
