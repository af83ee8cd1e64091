import { RUN_SCHEMA, type RunEvent } from '@pipewatch/shared';
import { clip, clipId, compact, isoTime, nonEmpty, readPayload, record, secondsBetween } from '../map-helpers.js';
import { ignored, missingTime, type MapResult } from '../map-result.js';
import { actionOfStep, platformOfLabels, runStatus, selfHosted } from './github-common.js';
import { ActionOnly, WorkflowJobPayload, type GithubStep } from './github-payloads.js';

/** Stands in for the workflow name, which GitHub Enterprise payloads before 3.x leave out. */
export const UNNAMED_WORKFLOW = '(unnamed workflow)';

/**
 * A `workflow_job` delivery → one run event per finished job; every other action
 * (queued, waiting, in_progress) is ignored. The pipeline id is repository +
 * workflow name + job name: the job payload carries no workflow file path, and an
 * id must come from the payload alone so every delivery of a job (and every
 * collector replica) agrees on it.
 */
export function mapWorkflowJob(payload: unknown): MapResult {
  const head = readPayload(ActionOnly, payload);
  if (!head.ok) return head.result;
  if (head.value.action !== 'completed') return ignored('not_completed', `workflow_job action ${head.value.action}`);
  const read = readPayload(WorkflowJobPayload, payload);
  if (!read.ok) return read.result;
  const { workflow_job: job, repository, sender } = read.value;

  const repo = repository.full_name;
  const workflow = job.workflow_name || UNNAMED_WORKFLOW;
  const attempt = job.run_attempt ?? 1;
  const created = isoTime(job.created_at);
  const started = isoTime(job.started_at);
  const finished = isoTime(job.completed_at);
  const labels = (job.labels ?? []).slice(0, 100).map((label) => clip(label, 200));
  const occurred = finished ?? started ?? created;
  if (occurred === undefined) return missingTime('workflow_job.completed_at');

  const event: RunEvent = {
    schema: RUN_SCHEMA,
    event_id: clipId(`github:${repo}:job:${job.id}:${attempt}`, 200),
    source: 'github-actions',
    occurred_at: occurred,
    pipeline: compact({
      id: clipId(`github:${repo}:${workflow}:${job.name}`, 300),
      name: clip(`${workflow} / ${job.name}`, 500),
      repository: clip(repo, 500),
      job: clip(job.name, 500),
    }),
    run: compact({
      id: String(job.run_id),
      attempt,
      url: job.html_url ? clip(job.html_url, 2000) : undefined,
      status: runStatus(job.conclusion),
      branch: job.head_branch ? clip(job.head_branch, 500) : undefined,
      commit: job.head_sha ? clip(job.head_sha, 200) : undefined,
      actor: sender?.login ? clip(sender.login, 200) : undefined,
      started_at: started,
      finished_at: finished,
    }),
    runner: nonEmpty({
      name: job.runner_name ? clip(job.runner_name, 300) : undefined,
      labels: labels.length > 0 ? labels : undefined,
      self_hosted: selfHosted(labels, job.runner_group_name),
      ...platformOfLabels(labels),
    }),
    resources: nonEmpty({
      duration_s: secondsBetween(started, finished),
      queue_s: secondsBetween(created, started),
    }),
    steps: job.steps && job.steps.length > 0 ? job.steps.slice(0, 1000).map(mapStep) : undefined,
    attributes: record({
      github_job_id: job.id,
      github_workflow: clip(workflow, 2000),
      github_conclusion: job.conclusion ? clip(job.conclusion, 2000) : undefined,
      github_runner_group: job.runner_group_name ? clip(job.runner_group_name, 2000) : undefined,
    }),
  };
  return { kind: 'event', event: compact(event) };
}

/** Step times are taken as they come: GitHub has sent steps stamped before their own job started. */
function mapStep(step: GithubStep): NonNullable<RunEvent['steps']>[number] {
  const action = actionOfStep(step.name);
  return compact({
    name: clip(step.name, 500),
    action,
    duration_s: secondsBetween(isoTime(step.started_at), isoTime(step.completed_at)),
    status: (step.conclusion ?? step.status ?? undefined)?.slice(0, 50),
  });
}
