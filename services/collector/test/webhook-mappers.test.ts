import assert from 'node:assert/strict';
import { RunEvent, describeIssues } from '@pipewatch/shared';
import { mapGitlabJob } from '../src/webhooks/gitlab/map-job-hook.js';
import { mapGitlabPipeline } from '../src/webhooks/gitlab/map-pipeline-hook.js';
import { mapWorkflowJob } from '../src/webhooks/github/map-workflow-job.js';
import { mapWorkflowRun } from '../src/webhooks/github/map-workflow-run.js';
import { fullJobName, mapJenkinsNotification } from '../src/webhooks/jenkins/map-notification.js';
import type { MapResult } from '../src/webhooks/map-result.js';
import { copyOf, githubExamples } from './helpers/github-examples.js';
import { HAS_GITLAB_FIXTURES, gitlabFixture } from './helpers/gitlab-fixtures.js';
import { jenkinsNotification } from './helpers/jenkins-notification.js';

/** The mapped event, checked against the contract schema the route checks it against. */
function contractEvent(result: MapResult): RunEvent {
  assert.equal(result.kind, 'event', JSON.stringify(result));
  const event = (result as { event: RunEvent }).event;
  const parsed = RunEvent.safeParse(event);
  assert.ok(parsed.success, parsed.success ? '' : JSON.stringify(describeIssues(parsed.error)));
  return event;
}

describe('GitHub mappers on every @octokit/webhooks-examples payload', () => {
  const jobs = githubExamples('workflow_job');
  const runs = githubExamples('workflow_run');

  it('finds the recorded examples (8 workflow_job, 5 workflow_run on github.com, GHES copies removed)', () => {
    assert.equal(jobs.length, 8);
    assert.equal(runs.length, 5);
  });

  for (const { origin, payload } of githubExamples('workflow_job')) {
    const title = `workflow_job ${origin} (action ${String(payload.action)}, status ${String((payload.workflow_job as { status: string }).status)})`;
    it(`${title}: ${payload.action === 'completed' ? 'maps to a contract-valid run event' : 'is ignored as not completed'}`, () => {
      const result = mapWorkflowJob(payload);
      if (payload.action !== 'completed') {
        assert.deepEqual(result, { kind: 'ignored', reason: 'not_completed', detail: `workflow_job action ${String(payload.action)}` });
        return;
      }
      const event = contractEvent(result);
      const job = payload.workflow_job as { id: number; name: string; workflow_name: string; run_id: number };
      const repo = (payload.repository as { full_name: string }).full_name;
      assert.equal(event.source, 'github-actions');
      assert.equal(event.pipeline.id, `github:${repo}:${job.workflow_name}:${job.name}`);
      assert.equal(event.event_id, `github:${repo}:job:${job.id}:1`);
      assert.equal(event.run.id, String(job.run_id));
    });
  }

  for (const { origin, payload } of githubExamples('workflow_run')) {
    const run = payload.workflow_run as { status: string; id: number; path?: string };
    it(`workflow_run ${origin} (action ${String(payload.action)}, status ${run.status}): ${payload.action === 'completed' ? 'maps to a contract-valid run event' : 'is ignored as not completed'}`, () => {
      const result = mapWorkflowRun(payload);
      if (payload.action !== 'completed') {
        assert.equal(result.kind, 'ignored');
        return;
      }
      const event = contractEvent(result);
      const repo = (payload.repository as { full_name: string }).full_name;
      const path = run.path ?? (payload.workflow as { path: string }).path;
      assert.equal(event.pipeline.id, `github:${repo}:${path}`);
      assert.equal(event.event_id, `github:${repo}:run:${run.id}:1`);
    });
  }

  it('maps the failed job example field by field, keeping steps stamped before their job started', () => {
    const example = jobs.find(({ payload }) => (payload.workflow_job as { conclusion: string }).conclusion === 'failure')!;
    const event = contractEvent(mapWorkflowJob(example.payload));
    assert.deepEqual(event.pipeline, {
      id: 'github:Codertocat/Hello-World:CodeQL:linters',
      name: 'CodeQL / linters',
      repository: 'Codertocat/Hello-World',
      job: 'linters',
    });
    assert.deepEqual(event.run, {
      id: '2202229078',
      attempt: 1,
      url: 'https://github.com/octo-org/octo-repo/runs/1291536064',
      status: 'failure',
      branch: 'main',
      commit: '3484a3fb816e0859fd6e1cea078d76385ff50625',
      actor: 'Codertocat',
      started_at: '2021-08-05T10:34:58.000Z',
      finished_at: '2021-08-05T10:38:16.000Z',
    });
    assert.equal(event.occurred_at, '2021-08-05T10:38:16.000Z');
    assert.deepEqual(event.runner, { name: 'GitHub Actions 5', labels: ['ubuntu-latest'], self_hosted: false, os: 'linux' });
    assert.deepEqual(event.resources, { duration_s: 198, queue_s: 60 });
    // The steps ran at 10:26, eight minutes before the job's own started_at: kept as sent.
    assert.equal(event.steps!.length, 12);
    assert.deepEqual(event.steps![1], { name: 'Run actions/checkout@v2', action: 'actions/checkout@v2', duration_s: 1, status: 'success' });
    assert.deepEqual(event.steps![7], { name: 'Run yarn run format-check', duration_s: 1, status: 'failure' });
    assert.equal(event.attributes?.github_conclusion, 'failure');
  });

  it('ignores the queued job whose status already says waiting, and the waiting one', () => {
    const inconsistent = jobs.filter(({ payload }) => (payload.workflow_job as { status: string }).status === 'waiting');
    assert.equal(inconsistent.length, 2);
    for (const { payload } of inconsistent) assert.equal(mapWorkflowJob(payload).kind, 'ignored');
  });

  it('maps a completed workflow_run whose run still says queued without a status or a duration', () => {
    const example = runs.find(({ payload }) => payload.action === 'completed' && (payload.workflow_run as { status: string }).status === 'queued')!;
    const event = contractEvent(mapWorkflowRun(example.payload));
    assert.equal(event.pipeline.id, 'github:Codertocat/Hello-World:.github/workflows/syntax.yml');
    assert.equal(event.run.status, undefined);
    assert.equal(event.run.trigger, 'workflow_dispatch');
    assert.equal(event.resources, undefined);
    assert.equal(event.attributes?.github_status, 'queued');
  });

  it('gives a re-run job (new attempt) a new event id and the same pipeline id', () => {
    const payload = copyOf(jobs.find(({ payload }) => payload.action === 'completed')!.payload);
    const first = contractEvent(mapWorkflowJob(payload));
    (payload.workflow_job as { run_attempt: number }).run_attempt = 2;
    const second = contractEvent(mapWorkflowJob(payload));
    assert.notEqual(first.event_id, second.event_id);
    assert.equal(first.pipeline.id, second.pipeline.id);
  });

  it('marks a self-hosted runner and reads its platform from the runs-on labels', () => {
    const payload = copyOf(jobs.find(({ payload }) => payload.action === 'completed')!.payload);
    Object.assign(payload.workflow_job as object, { labels: ['self-hosted', 'Linux', 'ARM64'], runner_group_name: 'Default', runner_name: 'build-07' });
    assert.deepEqual(contractEvent(mapWorkflowJob(payload)).runner, {
      name: 'build-07',
      labels: ['self-hosted', 'Linux', 'ARM64'],
      self_hosted: true,
      os: 'linux',
      arch: 'arm64',
    });
  });

  it('says which field is missing when a completed job lacks what the mapping needs', () => {
    const payload = copyOf(jobs.find(({ payload }) => payload.action === 'completed')!.payload);
    delete (payload.workflow_job as Record<string, unknown>).run_id;
    const result = mapWorkflowJob(payload);
    assert.equal(result.kind, 'invalid');
    assert.deepEqual((result as { issues: { path: string }[] }).issues.map((issue) => issue.path), ['workflow_job.run_id']);
  });

  it('keeps a very long pipeline id within the schema and still unique', () => {
    const payload = copyOf(jobs.find(({ payload }) => payload.action === 'completed')!.payload);
    const job = payload.workflow_job as { name: string };
    job.name = `${'x'.repeat(400)}-a`;
    const a = contractEvent(mapWorkflowJob(payload)).pipeline.id;
    job.name = `${'x'.repeat(400)}-b`;
    const b = contractEvent(mapWorkflowJob(payload)).pipeline.id;
    assert.ok(a.length <= 300 && b.length <= 300);
    assert.notEqual(a, b);
  });
});

// The payloads live beside the repository; a clone on its own skips these.
(HAS_GITLAB_FIXTURES ? describe : describe.skip)('GitLab mappers on the real go-gitlab payloads', () => {
  it('maps the finished job hook, reading the project path from the repository homepage and GitLab times', () => {
    const event = contractEvent(mapGitlabJob(gitlabFixture('job')));
    assert.equal(event.source, 'gitlab-ci');
    assert.equal(event.event_id, 'gitlab:jsmithy2/release-tools-fake:job:3580121225');
    assert.deepEqual(event.pipeline, {
      id: 'gitlab:jsmithy2/release-tools-fake:.gitlab-ci.yml:auto_deploy:start',
      name: 'coordinated:tag / auto_deploy:start',
      repository: 'jsmithy2/release-tools-fake',
      job: 'auto_deploy:start',
    });
    assert.equal(event.occurred_at, '2023-01-10T13:50:54.000Z');
    assert.equal(event.run.id, '743121198');
    assert.equal(event.run.attempt, 2);
    assert.equal(event.run.status, 'success');
    assert.equal(event.run.actor, 'jsmithy2');
    assert.deepEqual(event.resources, { duration_s: 49.503592, queue_s: 0.193009 });
    assert.deepEqual(event.runner, { name: '4-blue.shared.runners-manager.gitlab.com/default', labels: ['linux', 'docker'] });
  });

  it('ignores the job hook of a job that was only created', () => {
    assert.deepEqual(mapGitlabJob(gitlabFixture('build')), { kind: 'ignored', reason: 'not_finished', detail: 'job status created' });
  });

  it('maps the finished pipeline hook with its jobs as steps, and never copies pipeline variables', () => {
    const event = contractEvent(mapGitlabPipeline(gitlabFixture('pipeline')));
    assert.equal(event.pipeline.id, 'gitlab:gitlab-org/gitlab-test:.gitlab-ci.yml');
    assert.equal(event.event_id, 'gitlab:gitlab-org/gitlab-test:pipeline:31');
    assert.equal(event.run.trigger, 'merge_request');
    assert.equal(event.run.from_fork, false);
    assert.deepEqual(event.resources, { duration_s: 63, queue_s: 12 });
    assert.deepEqual(
      event.steps!.map((step) => step.name),
      ['build / build-image', 'test / test-image', 'test / test-build', 'deploy / staging', 'deploy / production'],
    );
    assert.ok(!JSON.stringify(event).includes('us-west-1'), 'variable values stay out');
  });

  it('ignores running pipelines and maps every finished status', () => {
    const payload = gitlabFixture('pipeline');
    const attributes = payload.object_attributes as { status: string };
    for (const [status, expected] of [['failed', 'failure'], ['canceled', 'cancelled'], ['skipped', 'skipped']] as const) {
      attributes.status = status;
      assert.equal(contractEvent(mapGitlabPipeline(payload)).run.status, expected);
    }
    attributes.status = 'running';
    assert.equal(mapGitlabPipeline(payload).kind, 'ignored');
  });
});

describe('Jenkins Notification plugin mapper', () => {
  it('maps a COMPLETED build: full folder name, start from timestamp minus duration, test counts as metrics', () => {
    const event = contractEvent(mapJenkinsNotification(jenkinsNotification()));
    assert.equal(event.source, 'jenkins');
    assert.equal(event.event_id, 'jenkins:team/app:42');
    assert.equal(event.pipeline.id, 'jenkins:team/app');
    assert.equal(event.run.status, 'success');
    assert.equal(event.run.branch, 'main');
    assert.equal(event.run.finished_at, '2025-03-01T12:00:00.000Z');
    assert.equal(event.run.started_at, '2025-03-01T11:56:57.000Z');
    assert.deepEqual(event.resources, { duration_s: 183 });
    assert.deepEqual(event.metrics, { tests_total: 120, tests_failed: 1, tests_skipped: 2, tests_passed: 117 });
    assert.equal(event.pipeline.repository, 'https://git.example.com/team/app.git', 'clone URL credentials dropped');
  });

  it('gives the FINALIZED message of the same build the same event id', () => {
    const completed = contractEvent(mapJenkinsNotification(jenkinsNotification({ phase: 'COMPLETED' })));
    const finalized = contractEvent(mapJenkinsNotification(jenkinsNotification({ phase: 'FINALIZED', timestamp: Date.UTC(2025, 2, 1, 12, 0, 4) })));
    assert.equal(finalized.event_id, completed.event_id);
  });

  it('ignores QUEUED and STARTED', () => {
    for (const phase of ['QUEUED', 'STARTED']) {
      assert.deepEqual(mapJenkinsNotification(jenkinsNotification({ phase, status: null })), {
        kind: 'ignored',
        reason: 'phase_not_final',
        detail: `build phase ${phase}`,
      });
    }
  });

  it('reads the formatted timestamp some plugin versions send', () => {
    const event = contractEvent(mapJenkinsNotification(jenkinsNotification({ timestamp: '2025-03-01T12:00:00.0+00:00' })));
    assert.equal(event.occurred_at, '2025-03-01T12:00:00.000Z');
  });

  it('maps ABORTED, UNSTABLE and NOT_BUILT results', () => {
    assert.equal(contractEvent(mapJenkinsNotification(jenkinsNotification({ status: 'ABORTED' }))).run.status, 'cancelled');
    assert.equal(contractEvent(mapJenkinsNotification(jenkinsNotification({ status: 'UNSTABLE' }))).run.status, 'failure');
    assert.equal(contractEvent(mapJenkinsNotification(jenkinsNotification({ status: 'NOT_BUILT' }))).run.status, 'skipped');
  });

  it('builds the full job name from the job URL, decoding it', () => {
    assert.equal(fullJobName('job/team/job/My%20App/job/main/', 'main'), 'team/My App/main');
    assert.equal(fullJobName(undefined, 'deploy'), 'deploy');
  });
});
