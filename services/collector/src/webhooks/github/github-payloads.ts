import { z } from 'zod';

/*
 * Only the fields the mappers read. Objects are loose (unknown keys are dropped),
 * and most fields are nullish: GitHub sends null for what a job has not reached,
 * and older GitHub Enterprise versions leave fields out.
 */

const text = z.string().nullish();
const time = z.string().nullish();

const Repository = z.object({ full_name: z.string().min(1), html_url: text });
const Account = z.object({ login: z.string() }).nullish();

export const GithubStep = z.object({
  name: z.string(),
  status: text,
  conclusion: text,
  number: z.number().nullish(),
  started_at: time,
  completed_at: time,
});
export type GithubStep = z.infer<typeof GithubStep>;

export const WorkflowJobPayload = z.object({
  action: z.string(),
  workflow_job: z.object({
    id: z.number().int().nonnegative(),
    run_id: z.number().int().nonnegative(),
    run_attempt: z.number().int().nonnegative().nullish(),
    name: z.string().min(1),
    workflow_name: text,
    head_branch: text,
    head_sha: text,
    html_url: text,
    status: z.string(),
    conclusion: text,
    created_at: time,
    started_at: time,
    completed_at: time,
    labels: z.array(z.string()).nullish(),
    runner_name: text,
    runner_group_name: text,
    steps: z.array(GithubStep).nullish(),
  }),
  repository: Repository,
  sender: Account,
});
export type WorkflowJobPayload = z.infer<typeof WorkflowJobPayload>;

export const WorkflowRunPayload = z.object({
  action: z.string(),
  workflow_run: z.object({
    id: z.number().int().nonnegative(),
    name: text,
    path: text,
    workflow_id: z.number().nullish(),
    run_attempt: z.number().int().nonnegative().nullish(),
    run_number: z.number().int().nonnegative().nullish(),
    event: text,
    status: text,
    conclusion: text,
    head_branch: text,
    head_sha: text,
    html_url: text,
    created_at: time,
    run_started_at: time,
    updated_at: time,
    actor: Account,
    triggering_actor: Account,
    head_repository: z.object({ full_name: text, fork: z.boolean().nullish() }).nullish(),
  }),
  workflow: z.object({ path: text, name: text }).nullish(),
  repository: Repository,
  sender: Account,
});
export type WorkflowRunPayload = z.infer<typeof WorkflowRunPayload>;

/** Just enough to route a delivery before reading the rest. */
export const ActionOnly = z.object({ action: z.string() });
