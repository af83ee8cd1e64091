import { RUN_SCHEMA, type RunEvent } from '@pipewatch/shared';
import { clip, clipId, compact, isoTime, lookup, nonEmpty, readPayload, record, secondsBetween } from '../map-helpers.js';
import { ignored, missingTime, type MapResult } from '../map-result.js';
import { FINISHED, mapRunner, projectPath, triggerOf } from './gitlab-common.js';
import { JobHook } from './gitlab-payloads.js';

/**
 * A GitLab job hook (`object_kind: "build"`) → one run event per finished job,
 * keyed `gitlab:<group/project>:.gitlab-ci.yml:<job name>`. GitLab sends a hook
 * for every state a job passes through; only success, failed, canceled and
 * skipped are mapped. A retried job is a new job id, so it is a new event.
 */
export function mapGitlabJob(payload: unknown): MapResult {
  const read = readPayload(JobHook, payload);
  if (!read.ok) return read.result;
  const hook = read.value;
  const status = lookup(FINISHED, hook.build_status);
  if (status === undefined) return ignored('not_finished', `job status ${hook.build_status}`);

  const path = projectPath(hook.project?.path_with_namespace, hook.repository?.homepage, hook.project_id ?? hook.project?.id);
  const webUrl = hook.project?.web_url ?? hook.repository?.homepage;
  const created = isoTime(hook.build_created_at);
  const started = isoTime(hook.build_started_at);
  const finished = isoTime(hook.build_finished_at);
  const occurred = finished ?? started ?? created;
  if (occurred === undefined) return missingTime('build_finished_at');

  const event: RunEvent = {
    schema: RUN_SCHEMA,
    event_id: clipId(`gitlab:${path}:job:${hook.build_id}`, 200),
    source: 'gitlab-ci',
    occurred_at: occurred,
    pipeline: compact({
      id: clipId(`gitlab:${path}:.gitlab-ci.yml:${hook.build_name}`, 300),
      name: clip(hook.build_stage ? `${hook.build_stage} / ${hook.build_name}` : hook.build_name, 500),
      repository: clip(path, 500),
      job: clip(hook.build_name, 500),
    }),
    run: compact({
      id: String(hook.pipeline_id ?? hook.build_id),
      // retries_count is 0 on the first try; attempts count from 1 as on GitHub.
      attempt: typeof hook.retries_count === 'number' && hook.retries_count >= 0 && Number.isSafeInteger(hook.retries_count + 1) ? hook.retries_count + 1 : undefined,
      url: webUrl ? clip(`${webUrl.replace(/\/+$/, '')}/-/jobs/${hook.build_id}`, 2000) : undefined,
      status,
      trigger: triggerOf(hook.source),
      branch: hook.ref && hook.tag !== true ? clip(hook.ref, 500) : undefined,
      commit: hook.sha ? clip(hook.sha, 200) : undefined,
      actor: hook.user?.username ? clip(hook.user.username, 200) : undefined,
      started_at: started,
      finished_at: finished,
    }),
    runner: mapRunner(hook.runner),
    resources: nonEmpty({
      duration_s: nonNegative(hook.build_duration) ?? secondsBetween(started, finished),
      queue_s: nonNegative(hook.build_queued_duration) ?? secondsBetween(created, started),
    }),
    attributes: record({
      gitlab_job_id: hook.build_id,
      gitlab_stage: hook.build_stage ? clip(hook.build_stage, 2000) : undefined,
      gitlab_status: hook.build_status,
      gitlab_failure_reason: status === 'failure' && hook.build_failure_reason ? clip(hook.build_failure_reason, 2000) : undefined,
      gitlab_allow_failure: hook.build_allow_failure ?? undefined,
      gitlab_environment: hook.environment?.name ? clip(hook.environment.name, 2000) : undefined,
      gitlab_tag: hook.tag === true && hook.ref ? clip(hook.ref, 2000) : undefined,
    }),
  };
  return { kind: 'event', event: compact(event) };
}

export function nonNegative(value: number | null | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}
