import { envValue, type Env } from './env.js';

export interface RunnerHosting {
  self_hosted?: boolean;
  ephemeral?: boolean;
}

/**
 * Whether the job's runner is the CI vendor's and whether it lives for this job only, as far
 * as the job's own environment can tell. A field stays unset when the environment does not
 * say: a reused self-hosted runner is where one job's implant waits for the next job's
 * secrets, so a wrong `ephemeral: false` (or `true`) would mislead more than a blank.
 */
export function runnerEphemeral(env: Env): RunnerHosting {
  return fromGitHub(env) ?? fromGitLab(env) ?? {};
}

function fromGitHub(env: Env): RunnerHosting | undefined {
  if (env.GITHUB_ACTIONS !== 'true') return undefined;
  const kind = envValue(env, 'RUNNER_ENVIRONMENT');
  // GitHub-hosted runners (standard and larger) get a fresh VM per job.
  if (kind === 'github-hosted') return { self_hosted: false, ephemeral: true };
  // `--ephemeral` registration, ARC scale sets and the like are not exported to the job,
  // so a self-hosted runner's lifetime stays unknown.
  if (kind === 'self-hosted') return { self_hosted: true };
  return {};
}

/** GitLab.com's own runners are named `<shard>.saas-<os>-<size>-<arch>.runners-manager.gitlab.com/<pool>`. */
const GITLAB_COM_RUNNER_DESCRIPTION = /\.runners-manager\.gitlab\.com(\/|$)/i;
/** ...and tagged `saas-linux-small-amd64`, `saas-macos-medium-m1`, `saas-windows-medium-amd64`... */
const GITLAB_COM_RUNNER_TAG = /^saas-(linux|macos|windows)-/i;

/**
 * GitLab's variables:
 * - CI_DISPOSABLE_ENVIRONMENT=true: the executor built the environment for this job and
 *   destroys it after (every executor but shell and ssh). For docker that is the container;
 *   the host, its docker daemon and caches may well be shared, which env cannot show.
 * - CI_SHARED_ENVIRONMENT=true: shell or ssh executor, the environment outlives the job.
 * - CI_RUNNER_DESCRIPTION / CI_RUNNER_TAGS with CI_SERVER_HOST=gitlab.com: GitLab.com's
 *   hosted runners, a new VM per job. Tags and descriptions are free text a self-managed
 *   runner could copy, which is why the server must be gitlab.com too.
 * - CI_RUNNER_EXECUTABLE_ARCH is the runner binary's os/arch (the host's, not the job
 *   container's) and CI_RUNNER_SHORT_TOKEN only identifies the runner: neither says whether
 *   the machine is autoscaled or reused. GitLab Dedicated's hosted runners have no
 *   documented marker here, so off gitlab.com `self_hosted` stays unknown.
 */
function fromGitLab(env: Env): RunnerHosting | undefined {
  if (env.GITLAB_CI !== 'true') return undefined;
  const out: RunnerHosting = {};
  const host = envValue(env, 'CI_SERVER_HOST')?.toLowerCase();
  const description = envValue(env, 'CI_RUNNER_DESCRIPTION');
  const tags = runnerTags(envValue(env, 'CI_RUNNER_TAGS'));
  if (host === 'gitlab.com') {
    const hosted =
      (description !== undefined && GITLAB_COM_RUNNER_DESCRIPTION.test(description)) || tags.some((tag) => GITLAB_COM_RUNNER_TAG.test(tag));
    if (hosted) return { self_hosted: false, ephemeral: true };
    // A runner that does not carry GitLab.com's naming was registered by the project or group.
    if (description !== undefined || tags.length > 0) out.self_hosted = true;
  }
  if (envValue(env, 'CI_DISPOSABLE_ENVIRONMENT') === 'true') out.ephemeral = true;
  else if (envValue(env, 'CI_SHARED_ENVIRONMENT') === 'true') out.ephemeral = false;
  return out;
}

/** A JSON array (newer runners) or a comma list (older ones). */
function runnerTags(raw: string | undefined): string[] {
  if (!raw) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    if (Array.isArray(parsed)) return parsed.filter((tag): tag is string => typeof tag === 'string').map((tag) => tag.trim());
  } catch {
    // a comma list
  }
  return raw.split(',').map((tag) => tag.trim()).filter((tag) => tag.length > 0);
}
