import { createHash } from 'node:crypto';
import type { PipelineRef, RunEvent, RunInfo } from '@pipewatch/shared';

export type CiKind = 'github' | 'gitlab' | 'jenkins' | 'flags';

export interface CiMetadata {
  ci: CiKind;
  pipeline: PipelineRef;
  run: RunInfo;
  runner?: NonNullable<RunEvent['runner']>;
  /** Tells retries of one run apart in the event id where the CI has no attempt number (GitLab: the job id). */
  attemptKey?: string;
  attributes?: Record<string, string>;
}

/** What the command line may say instead of (or on top of) the environment. */
export interface MetadataFlags {
  pipeline?: string;
  run?: string;
  attempt?: number;
}

type Env = Readonly<Record<string, string | undefined>>;

/** What the collector's webhook calls a workflow without a name; the agent says the same. */
const UNNAMED_WORKFLOW = '(unnamed workflow)';

/**
 * Works out which pipeline and run this job is from the CI's own variables. Pure: the
 * same env map always gives the same answer. Pipeline ids follow the collector's webhook
 * scheme (`github:<repo>:<workflow>:<job>`, `gitlab:<project>:.gitlab-ci.yml:<job>`,
 * `jenkins:<job>`) so agent events and webhook events of one job share a baseline. Undefined when
 * neither a known CI nor both flags say enough.
 */
export function detectCiMetadata(env: Env, flags: MetadataFlags = {}): CiMetadata | undefined {
  const detected = fromGithub(env) ?? fromGitlab(env) ?? fromJenkins(env);
  const pipelineId = flags.pipeline ?? detected?.pipeline.id;
  const runId = flags.run ?? detected?.run.id;
  if (pipelineId === undefined || runId === undefined) return undefined;
  const base: CiMetadata = detected ?? { ci: 'flags', pipeline: { id: pipelineId }, run: { id: runId } };
  const { runner, ...rest } = base;
  return {
    ...rest,
    ...(runner && Object.keys(runner).length > 0 ? { runner } : {}),
    pipeline: { ...base.pipeline, id: clipId(pipelineId, 300) },
    run: { ...base.run, id: clipId(runId, 200), ...(flags.attempt !== undefined ? { attempt: flags.attempt } : {}) },
  };
}

function fromGithub(env: Env): CiMetadata | undefined {
  const repository = value(env.GITHUB_REPOSITORY);
  const job = value(env.GITHUB_JOB);
  const runId = value(env.GITHUB_RUN_ID);
  if (env.GITHUB_ACTIONS !== 'true' || !repository || !job || !runId) return undefined;
  // The collector's workflow_job webhook keys jobs by workflow *name* (its payload has no
  // file path); the agent must use the same key for both to feed one baseline.
  const workflow = value(env.GITHUB_WORKFLOW) ?? workflowPath(repository, env.GITHUB_WORKFLOW_REF) ?? UNNAMED_WORKFLOW;
  const path = workflowPath(repository, env.GITHUB_WORKFLOW_REF);
  const server = value(env.GITHUB_SERVER_URL)?.replace(/\/+$/, '');
  const selfHosted = value(env.RUNNER_ENVIRONMENT);
  return {
    ci: 'github',
    pipeline: compact({ id: `github:${repository}:${workflow}:${job}`, name: `${workflow} / ${job}`, repository, job }),
    run: compact({
      id: runId,
      attempt: count(env.GITHUB_RUN_ATTEMPT),
      number: count(env.GITHUB_RUN_NUMBER),
      url: server ? `${server}/${repository}/actions/runs/${runId}` : undefined,
      trigger: value(env.GITHUB_EVENT_NAME),
      // On pull requests GITHUB_REF_NAME is `<n>/merge`; the head branch says more.
      branch: value(env.GITHUB_HEAD_REF) ?? value(env.GITHUB_REF_NAME),
      commit: value(env.GITHUB_SHA),
      actor: value(env.GITHUB_ACTOR),
    }),
    runner: compact({
      name: value(env.RUNNER_NAME),
      os: value(env.RUNNER_OS),
      arch: value(env.RUNNER_ARCH),
      self_hosted: selfHosted === undefined ? undefined : selfHosted === 'self-hosted',
    }),
    ...(path ? { attributes: { github_workflow_path: path } } : {}),
  };
}

/** `octo/app/.github/workflows/ci.yml@refs/heads/main` → `.github/workflows/ci.yml`. */
export function workflowPath(repository: string, workflowRef: string | undefined): string | undefined {
  const ref = value(workflowRef);
  if (!ref) return undefined;
  const withoutRef = ref.replace(/@[^@]*$/, '');
  return withoutRef.startsWith(`${repository}/`) ? withoutRef.slice(repository.length + 1) : withoutRef;
}

const GITLAB_TRIGGERS: Record<string, string> = { merge_request_event: 'merge_request', web: 'manual' };

function fromGitlab(env: Env): CiMetadata | undefined {
  const project = value(env.CI_PROJECT_PATH);
  const job = value(env.CI_JOB_NAME);
  const pipelineId = value(env.CI_PIPELINE_ID);
  if (env.GITLAB_CI !== 'true' || !project || !job || !pipelineId) return undefined;
  const source = value(env.CI_PIPELINE_SOURCE);
  const mrSource = value(env.CI_MERGE_REQUEST_SOURCE_PROJECT_PATH);
  const [os, arch] = (value(env.CI_RUNNER_EXECUTABLE_ARCH) ?? '').split('/');
  const jobId = value(env.CI_JOB_ID);
  const stage = value(env.CI_JOB_STAGE);
  return {
    ci: 'gitlab',
    // The collector's job hook uses the same key, with the default CI file name in it.
    pipeline: compact({ id: `gitlab:${project}:.gitlab-ci.yml:${job}`, name: stage ? `${stage} / ${job}` : job, repository: project, job }),
    run: compact({
      id: pipelineId,
      number: count(env.CI_PIPELINE_IID),
      url: value(env.CI_JOB_URL) ?? value(env.CI_PIPELINE_URL),
      trigger: source === undefined ? undefined : (GITLAB_TRIGGERS[source] ?? source),
      branch: value(env.CI_MERGE_REQUEST_SOURCE_BRANCH_NAME) ?? value(env.CI_COMMIT_REF_NAME),
      commit: value(env.CI_COMMIT_SHA),
      actor: value(env.GITLAB_USER_LOGIN),
      from_fork: mrSource === undefined ? undefined : mrSource !== project,
    }),
    runner: compact({
      name: value(env.CI_RUNNER_DESCRIPTION),
      os: value(os),
      arch: value(arch),
      labels: runnerTags(env.CI_RUNNER_TAGS),
    }),
    ...(jobId ? { attemptKey: jobId, attributes: { gitlab_job_id: jobId } } : {}),
  };
}

/** GitLab gives runner tags as a JSON array (newer) or a comma list (older). */
function runnerTags(raw: string | undefined): string[] | undefined {
  const text = value(raw);
  if (!text) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (Array.isArray(parsed)) return parsed.filter((tag): tag is string => typeof tag === 'string');
  } catch {
    // not JSON: a comma list
  }
  return text.split(',').map((tag) => tag.trim()).filter((tag) => tag.length > 0);
}

function fromJenkins(env: Env): CiMetadata | undefined {
  const job = value(env.JOB_NAME);
  const build = value(env.BUILD_NUMBER);
  if (!job || !build) return undefined;
  return {
    ci: 'jenkins',
    pipeline: compact({ id: `jenkins:${job}`, name: job, job }),
    run: compact({
      id: build,
      number: count(build),
      url: value(env.BUILD_URL),
      branch: value(env.BRANCH_NAME) ?? value(env.GIT_BRANCH),
      commit: value(env.GIT_COMMIT),
    }),
    runner: compact({ name: value(env.NODE_NAME) }),
  };
}

/** Keeps an id within the contract's length the way the collector does: a cut plus a hash of the whole. */
export function clipId(id: string, max: number): string {
  if (id.length <= max) return id;
  const digest = createHash('sha256').update(id, 'utf8').digest('hex').slice(0, 16);
  return `${id.slice(0, max - digest.length - 1)}#${digest}`;
}

function value(raw: string | undefined): string | undefined {
  const trimmed = raw?.trim();
  return trimmed ? trimmed : undefined;
}

function count(raw: string | undefined): number | undefined {
  const number = Number(value(raw));
  return Number.isInteger(number) && number >= 0 ? number : undefined;
}

/** Drops undefined members, so the result passes the contract's strict objects as written. */
function compact<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, item]) => item !== undefined)) as T;
}
