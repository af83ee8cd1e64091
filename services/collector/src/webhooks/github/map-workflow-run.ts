import { RUN_SCHEMA, type RunEvent } from '@pipewatch/shared';
import { clip, clipId, compact, isoTime, nonEmpty, readPayload, record, secondsBetween } from '../map-helpers.js';
import { ignored, missingTime, type MapResult } from '../map-result.js';
import { runStatus } from './github-common.js';
import { ActionOnly, WorkflowRunPayload } from './github-payloads.js';

/**
 * A `workflow_run` delivery → one run event for the whole workflow run, keyed by
 * repository + workflow file path (`github:octo/app:.github/workflows/ci.yml`).
 * Only `completed` is mapped. GitHub has sent `completed` deliveries whose run
 * still says `queued`; they are mapped without status or duration rather than
 * with a made-up one.
 */
export function mapWorkflowRun(payload: unknown): MapResult {
  const head = readPayload(ActionOnly, payload);
  if (!head.ok) return head.result;
  if (head.value.action !== 'completed') return ignored('not_completed', `workflow_run action ${head.value.action}`);
  const read = readPayload(WorkflowRunPayload, payload);
  if (!read.ok) return read.result;
  const { workflow_run: run, workflow, repository, sender } = read.value;

  const repo = repository.full_name;
  const path = workflowPath(run.path ?? workflow?.path, run.workflow_id);
  const name = workflow?.name || run.name || path;
  const attempt = run.run_attempt ?? 1;
  const started = isoTime(run.run_started_at) ?? isoTime(run.created_at);
  const completed = run.status === 'completed';
  const finished = completed ? isoTime(run.updated_at) : undefined;
  const occurred = finished ?? isoTime(run.updated_at) ?? started;
  if (occurred === undefined) return missingTime('workflow_run.updated_at');
  const actor = run.actor?.login ?? sender?.login;
  const headRepo = run.head_repository?.full_name;

  const event: RunEvent = {
    schema: RUN_SCHEMA,
    event_id: clipId(`github:${repo}:run:${run.id}:${attempt}`, 200),
    source: 'github-actions',
    occurred_at: occurred,
    pipeline: compact({
      id: clipId(`github:${repo}:${path}`, 300),
      name: clip(name, 500),
      repository: clip(repo, 500),
    }),
    run: compact({
      id: String(run.id),
      attempt,
      number: run.run_number ?? undefined,
      url: run.html_url ? clip(run.html_url, 2000) : undefined,
      status: completed ? runStatus(run.conclusion) : undefined,
      trigger: run.event ? clip(run.event, 100) : undefined,
      branch: run.head_branch ? clip(run.head_branch, 500) : undefined,
      commit: run.head_sha ? clip(run.head_sha, 200) : undefined,
      actor: actor ? clip(actor, 200) : undefined,
      // Code from another repository than the one whose workflow ran: a fork's pull request.
      from_fork: headRepo ? headRepo !== repo : undefined,
      started_at: started,
      finished_at: finished,
    }),
    resources: nonEmpty({ duration_s: completed ? secondsBetween(started, finished) : undefined }),
    attributes: record({
      github_workflow_id: run.workflow_id ?? undefined,
      github_status: run.status ? clip(run.status, 2000) : undefined,
      github_conclusion: run.conclusion ? clip(run.conclusion, 2000) : undefined,
      github_triggering_actor:
        run.triggering_actor?.login && run.triggering_actor.login !== actor ? clip(run.triggering_actor.login, 2000) : undefined,
    }),
  };
  return { kind: 'event', event: compact(event) };
}

/** Reusable workflows report `path@ref`; the ref would split one workflow's baseline per branch. */
function workflowPath(path: string | null | undefined, workflowId: number | null | undefined): string {
  if (path) return path.split('@')[0]!;
  return workflowId === null || workflowId === undefined ? '(unknown workflow)' : `workflow-${workflowId}`;
}
