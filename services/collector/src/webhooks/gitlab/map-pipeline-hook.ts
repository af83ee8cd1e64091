import { RUN_SCHEMA, type RunEvent } from '@pipewatch/shared';
import { clip, clipId, compact, isoTime, lookup, nonEmpty, readPayload, record } from '../map-helpers.js';
import { ignored, missingTime, type MapResult } from '../map-result.js';
import { FINISHED, triggerOf } from './gitlab-common.js';
import { PipelineHook } from './gitlab-payloads.js';
import { nonNegative } from './map-job-hook.js';

/**
 * A GitLab pipeline hook → one run event for the whole pipeline, keyed
 * `gitlab:<group/project>:.gitlab-ci.yml`, its jobs as steps. Only finished
 * pipelines are mapped. Pipeline variables are never copied: they hold secrets.
 */
export function mapGitlabPipeline(payload: unknown): MapResult {
  const read = readPayload(PipelineHook, payload);
  if (!read.ok) return read.result;
  const { object_attributes: pipeline, project, merge_request: mr, user, builds } = read.value;
  const status = lookup(FINISHED, pipeline.status);
  if (status === undefined) return ignored('not_finished', `pipeline status ${pipeline.status}`);

  const path = project.path_with_namespace;
  const created = isoTime(pipeline.created_at);
  const finished = isoTime(pipeline.finished_at);
  const occurred = finished ?? created;
  if (occurred === undefined) return missingTime('object_attributes.finished_at');
  const url = pipeline.url ?? (project.web_url ? `${project.web_url.replace(/\/+$/, '')}/-/pipelines/${pipeline.id}` : undefined);
  const fork =
    typeof mr?.source_project_id === 'number' && typeof mr.target_project_id === 'number'
      ? mr.source_project_id !== mr.target_project_id
      : undefined;

  const event: RunEvent = {
    schema: RUN_SCHEMA,
    event_id: clipId(`gitlab:${path}:pipeline:${pipeline.id}`, 200),
    source: 'gitlab-ci',
    occurred_at: occurred,
    pipeline: { id: clipId(`gitlab:${path}:.gitlab-ci.yml`, 300), name: clip(path, 500), repository: clip(path, 500) },
    run: compact({
      id: String(pipeline.id),
      number: pipeline.iid ?? undefined,
      url: url ? clip(url, 2000) : undefined,
      status,
      trigger: triggerOf(pipeline.source),
      branch: pipeline.ref && pipeline.tag !== true ? clip(pipeline.ref, 500) : undefined,
      commit: pipeline.sha ? clip(pipeline.sha, 200) : undefined,
      actor: user?.username ? clip(user.username, 200) : undefined,
      from_fork: fork,
      started_at: created,
      finished_at: finished,
    }),
    resources: nonEmpty({ duration_s: nonNegative(pipeline.duration), queue_s: nonNegative(pipeline.queued_duration) }),
    // GitLab lists jobs newest first; by id they read in the order they were created.
    steps:
      builds && builds.length > 0
        ? [...builds]
            .sort((a, b) => (a.id ?? 0) - (b.id ?? 0))
            .slice(0, 1000)
            .map((build) =>
              compact({
                name: clip(build.stage ? `${build.stage} / ${build.name}` : build.name, 500),
                duration_s: nonNegative(build.duration),
                status: build.status ? clip(build.status, 50) : undefined,
              }),
            )
        : undefined,
    attributes: record({
      gitlab_pipeline_id: pipeline.id,
      gitlab_status: pipeline.status,
      gitlab_source: pipeline.source ? clip(pipeline.source, 2000) : undefined,
      gitlab_tag: pipeline.tag === true && pipeline.ref ? clip(pipeline.ref, 2000) : undefined,
    }),
  };
  return { kind: 'event', event: compact(event) };
}
