import { z } from 'zod';

/*
 * The fields the mappers read from GitLab's pipeline and job hooks. GitLab's
 * times come as `2023-01-10 13:50:05 UTC` (older) or ISO 8601; ids are numbers.
 * Objects are loose and most fields nullish: hooks differ between GitLab versions.
 */

const text = z.string().nullish();
const time = z.string().nullish();
const seconds = z.number().nullish();

export const GitlabRunner = z
  .object({
    id: z.number().nullish(),
    description: text,
    runner_type: text,
    is_shared: z.boolean().nullish(),
    tags: z.array(z.string()).nullish(),
  })
  .nullish();
export type GitlabRunner = z.infer<typeof GitlabRunner>;

const User = z.object({ username: text }).nullish();

const Project = z.object({ id: z.number().nullish(), path_with_namespace: text, web_url: text }).nullish();

export const PipelineHook = z.object({
  object_kind: z.literal('pipeline'),
  object_attributes: z.object({
    id: z.number().int().nonnegative(),
    iid: z.number().int().nonnegative().nullish(),
    ref: text,
    tag: z.boolean().nullish(),
    sha: text,
    source: text,
    status: z.string(),
    created_at: time,
    finished_at: time,
    duration: seconds,
    queued_duration: seconds,
    url: text,
  }),
  merge_request: z.object({ source_project_id: z.number().nullish(), target_project_id: z.number().nullish() }).nullish(),
  user: User,
  project: z.object({ id: z.number().nullish(), path_with_namespace: z.string().min(1), web_url: text }),
  builds: z
    .array(
      z.object({
        id: z.number().nullish(),
        stage: text,
        name: z.string(),
        status: text,
        duration: seconds,
      }),
    )
    .nullish(),
});
export type PipelineHook = z.infer<typeof PipelineHook>;

export const JobHook = z.object({
  object_kind: z.literal('build'),
  ref: text,
  tag: z.boolean().nullish(),
  sha: text,
  build_id: z.number().int().nonnegative(),
  build_name: z.string().min(1),
  build_stage: text,
  build_status: z.string(),
  build_created_at: time,
  build_started_at: time,
  build_finished_at: time,
  build_duration: seconds,
  build_queued_duration: seconds,
  build_allow_failure: z.boolean().nullish(),
  build_failure_reason: text,
  retries_count: z.number().nullish(),
  pipeline_id: z.number().nullish(),
  project_id: z.number().nullish(),
  project_name: text,
  source: text,
  user: User,
  runner: GitlabRunner,
  project: Project,
  repository: z.object({ homepage: text }).nullish(),
  environment: z.object({ name: text }).nullish(),
});
export type JobHook = z.infer<typeof JobHook>;

export const KindOnly = z.object({ object_kind: z.string() });
