import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { RunEvent } from '@pipewatch/shared';
import { collectRuns, type Collected } from './helpers/collect-messages.js';
import { startCollector, type Harness } from './helpers/collector-harness.js';
import { HAS_GITLAB_FIXTURES, gitlabFixture } from './helpers/gitlab-fixtures.js';
import { settledRunIds } from './helpers/settle.js';

const TOKEN = 'gl-hook-token-41c9e2';
const JOB_EVENT = 'gitlab:jsmithy2/release-tools-fake:job:3580121225';
const JOB_PIPELINE = 'gitlab:jsmithy2/release-tools-fake:.gitlab-ci.yml:auto_deploy:start';

interface ErrorAnswer {
  error: { code: string; message: string };
}

// The recorded payloads live beside the repository; a clone on its own skips these.
(HAS_GITLAB_FIXTURES ? describe : describe.skip)('POST /webhooks/gitlab', () => {
  let harness: Harness;
  let runs: Collected;

  beforeEach(async () => {
    harness = await startCollector({ gitlab: { token: TOKEN } });
    runs = await collectRuns(harness.bus, harness.topics);
  });
  afterEach(async () => {
    await runs.close();
    await harness.close();
  });

  const deliver = (payload: unknown, headers: Record<string, string> = { 'x-gitlab-token': TOKEN }, event = 'Job Hook'): Promise<Response> =>
    harness.post('/webhooks/gitlab', JSON.stringify(payload), 'application/json', { 'x-gitlab-event': event, ...headers });

  it('publishes the real job hook of a finished job as a run event', async () => {
    const response = await deliver(gitlabFixture('job'));
    assert.equal(response.status, 202);
    assert.deepEqual(await response.json(), { status: 'accepted', event_id: JOB_EVENT, duplicate: false, redactions: 0 });
    const message = await runs.waitForEvent(JOB_EVENT);
    assert.equal(message.key, JOB_PIPELINE);
    assert.equal(RunEvent.parse(JSON.parse(message.value)).source, 'gitlab-ci');
  });

  it('publishes the real pipeline hook as one run event for the pipeline', async () => {
    const response = await deliver(gitlabFixture('pipeline'), { 'x-gitlab-token': TOKEN }, 'Pipeline Hook');
    assert.equal(response.status, 202);
    const message = await runs.waitForEvent('gitlab:gitlab-org/gitlab-test:pipeline:31');
    assert.equal(message.key, 'gitlab:gitlab-org/gitlab-test:.gitlab-ci.yml');
    assert.equal(RunEvent.parse(JSON.parse(message.value)).steps?.length, 5);
  });

  it('answers 202 ignored to the hook of a job that is only created, and to other hooks', async () => {
    assert.deepEqual(await (await deliver(gitlabFixture('build'))).json(), { status: 'ignored', reason: 'not_finished', detail: 'job status created' });
    const push = await deliver({ object_kind: 'push', ref: 'refs/heads/main' }, { 'x-gitlab-token': TOKEN }, 'Push Hook');
    assert.deepEqual(await push.json(), { status: 'ignored', reason: 'unsupported_event', detail: 'GitLab object_kind push' });
  });

  it('answers 401 invalid_gitlab_token to a wrong token (a prefix of the right one too) and publishes nothing', async () => {
    for (const token of ['wrong-token', TOKEN.slice(0, -1), `${TOKEN}x`]) {
      const response = await deliver(gitlabFixture('job'), { 'x-gitlab-token': token });
      assert.equal(response.status, 401, token);
      const text = await response.text();
      assert.equal((JSON.parse(text) as ErrorAnswer).error.code, 'invalid_gitlab_token');
      assert.ok(!text.includes(token), 'the presented token is not echoed');
    }
    assert.deepEqual(await settledRunIds(harness, runs, JOB_PIPELINE), []);
  });

  it('answers 401 missing_gitlab_token without the header, before reading the body', async () => {
    const response = await deliver(gitlabFixture('job'), {});
    assert.equal(response.status, 401);
    assert.equal(((await response.json()) as ErrorAnswer).error.code, 'missing_gitlab_token');
    const huge = await harness.post('/webhooks/gitlab', 'x'.repeat(1_200_000), 'application/json', { 'x-gitlab-event': 'Job Hook' });
    assert.equal(huge.status, 401);
    assert.deepEqual(await settledRunIds(harness, runs, JOB_PIPELINE), []);
  });

  it('publishes a replayed job hook once, whether GitLab repeats its Idempotency-Key or not', async () => {
    const key = randomUUID();
    assert.equal((await deliver(gitlabFixture('job'), { 'x-gitlab-token': TOKEN, 'idempotency-key': key })).status, 202);
    const retried = await deliver(gitlabFixture('job'), { 'x-gitlab-token': TOKEN, 'idempotency-key': key });
    assert.deepEqual(await retried.json(), { status: 'duplicate_delivery' });
    const resent = await deliver(gitlabFixture('job'));
    assert.deepEqual(await resent.json(), { status: 'accepted', event_id: JOB_EVENT, duplicate: true, redactions: 0 });
    assert.deepEqual(await settledRunIds(harness, runs, JOB_PIPELINE), [JOB_EVENT]);
  });
});

(HAS_GITLAB_FIXTURES ? describe : describe.skip)('POST /webhooks/gitlab (not configured)', () => {
  it('answers 404 webhook_not_configured, whatever token is sent', async () => {
    const harness = await startCollector();
    try {
      const response = await harness.post('/webhooks/gitlab', JSON.stringify(gitlabFixture('job')), 'application/json', { 'x-gitlab-token': 'anything-at-all' });
      assert.equal(response.status, 404);
      const answer = (await response.json()) as ErrorAnswer;
      assert.equal(answer.error.code, 'webhook_not_configured');
      assert.match(answer.error.message, /PIPEWATCH_GITLAB_WEBHOOK_TOKEN/);
    } finally {
      await harness.close();
    }
  });
});
