import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sign } from '@octokit/webhooks-methods';
import { Finding } from '@pipewatch/shared';
import { baselineFromText } from '@pipewatch/detector';
import { spawnPipewatch, type RunningChild } from '../helpers/spawn-pipewatch.js';
import { waitFor } from '../helpers/wait-for.js';

const GITLAB_JOB_HOOK = fileURLToPath(new URL('../../../shared/data/webhooks/gitlab/go-gitlab_job.json', import.meta.url));

const GITHUB_SECRET = 'e2e-github-webhook-secret';
const GITLAB_TOKEN = 'e2e-gitlab-webhook-token';
const INGEST_TOKEN = 'e2e-ingest-token-0123456789';

const GITHUB_PIPELINE = 'github:Codertocat/Hello-World:CodeQL:linters';
const GITLAB_PIPELINE = 'gitlab:jsmithy2/release-tools-fake:.gitlab-ci.yml:auto_deploy:start';
const JENKINS_PIPELINE = 'jenkins:team/app';

const require = createRequire(import.meta.url);

/** The recorded `workflow_job` completed (success) delivery from @octokit/webhooks-examples. */
function recordedCompletedJob(): Record<string, unknown> {
  const definitions = require('@octokit/webhooks-examples') as Array<{ name: string; examples: Array<Record<string, unknown>> }>;
  const example = definitions
    .find((definition) => definition.name === 'workflow_job')!
    .examples.find((payload) => payload.action === 'completed' && (payload.workflow_job as { conclusion: string }).conclusion === 'success');
  assert.ok(example, 'the package holds a completed workflow_job example');
  return example;
}

/** The recorded job as run `i`: its own job and run ids, and a job that ran `durationS` seconds. */
function githubRun(i: number, durationS: number): string {
  const payload = structuredClone(recordedCompletedJob());
  const job = payload.workflow_job as Record<string, unknown>;
  const created = Date.UTC(2026, 0, 5, 9, 0, 0) + i * 3_600_000;
  const started = created + 20_000;
  Object.assign(job, {
    id: 900_000 + i,
    run_id: 7_000_000 + i,
    created_at: new Date(created).toISOString(),
    started_at: new Date(started).toISOString(),
    completed_at: new Date(started + durationS * 1000).toISOString(),
  });
  return JSON.stringify(payload);
}

describe('CI webhooks into `pipewatch start` (child process)', function () {
  this.timeout(90_000);
  let dataDir: string;
  let pipewatch: RunningChild | undefined;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pipewatch-ci-webhooks-'));
    pipewatch = await spawnPipewatch(['start'], {
      PIPEWATCH_DATA_DIR: dataDir,
      PIPEWATCH_HOST: '127.0.0.1',
      PIPEWATCH_INGEST_TOKENS: INGEST_TOKEN,
      PIPEWATCH_GITHUB_WEBHOOK_SECRET: GITHUB_SECRET,
      PIPEWATCH_GITLAB_WEBHOOK_TOKEN: GITLAB_TOKEN,
    });
  });
  after(async () => {
    await pipewatch?.stop('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  async function postGithub(body: string): Promise<Response> {
    return fetch(`${pipewatch!.url}/webhooks/github`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'workflow_job',
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': await sign(GITHUB_SECRET, body),
      },
      body,
    });
  }

  /** Pipelines the detector has a baseline for: it wrote one after consuming each run event. */
  async function baselinePipelines(): Promise<Set<string>> {
    const text = await readFile(join(dataDir, 'baselines.ndjson'), 'utf8').catch(() => '');
    const ids = text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => baselineFromText(line)!.pipeline_id);
    return new Set(ids);
  }

  it('turns signed GitHub workflow_job deliveries into runs the detector baselines, and flags the slow one', async () => {
    for (let i = 0; i < 11; i++) {
      const response = await postGithub(githubRun(i, 118 + (i % 4) * 3));
      assert.equal(response.status, 202, `run ${i}`);
      assert.equal(((await response.json()) as { status: string }).status, 'accepted');
    }
    const slow = await postGithub(githubRun(11, 900));
    assert.equal(slow.status, 202);

    const findingsFile = join(dataDir, 'findings.ndjson');
    let findings: Finding[] = [];
    await waitFor(async () => {
      const text = await readFile(findingsFile, 'utf8').catch(() => '');
      findings = text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => Finding.parse(JSON.parse(line)));
      return findings.some((finding) => finding.pipeline.id === GITHUB_PIPELINE);
    }, 'a finding on the GitHub pipeline');
    const finding = findings.find((item) => item.pipeline.id === GITHUB_PIPELINE)!;
    assert.equal(finding.rule.id, 'resource.duration.high');
    assert.equal(finding.run.id, String(7_000_000 + 11));
    assert.deepEqual(finding.event_ids, [`github:Codertocat/Hello-World:job:${900_000 + 11}:1`]);
  });

  it('refuses an unsigned GitHub delivery', async () => {
    const response = await fetch(`${pipewatch!.url}/webhooks/github`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'workflow_job' },
      body: githubRun(99, 100),
    });
    assert.equal(response.status, 401);
  });

  // The recorded hook lives beside the repository; a clone on its own skips this.
  (existsSync(GITLAB_JOB_HOOK) ? it : it.skip)('turns the recorded GitLab job hook into a run the detector consumed', async () => {
    const fixture = GITLAB_JOB_HOOK;
    const response = await fetch(`${pipewatch!.url}/webhooks/gitlab`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-gitlab-event': 'Job Hook', 'x-gitlab-token': GITLAB_TOKEN },
      body: readFileSync(fixture, 'utf8'),
    });
    assert.equal(response.status, 202);
    await waitFor(async () => (await baselinePipelines()).has(GITLAB_PIPELINE), 'the detector to baseline the GitLab job');
  });

  it('turns a Jenkins Notification plugin message (token as Basic password) into a run the detector consumed', async () => {
    const message = {
      name: 'app',
      url: 'job/team/job/app/',
      build: {
        full_url: 'https://ci.example.com/job/team/job/app/17/',
        number: 17,
        phase: 'COMPLETED',
        status: 'SUCCESS',
        url: 'job/team/job/app/17/',
        timestamp: Date.UTC(2026, 0, 5, 12, 0, 0),
        duration: 95_000,
        scm: { url: 'https://git.example.com/team/app.git', branch: 'origin/main', commit: '5779607b49aab1200488439f02372c57b4f75444' },
      },
    };
    const response = await fetch(`${pipewatch!.url}/webhooks/jenkins`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json;charset=UTF-8',
        authorization: `Basic ${Buffer.from(`pipewatch:${INGEST_TOKEN}`).toString('base64')}`,
      },
      body: JSON.stringify(message),
    });
    assert.equal(response.status, 202);
    await waitFor(async () => (await baselinePipelines()).has(JENKINS_PIPELINE), 'the detector to baseline the Jenkins job');
  });
});
