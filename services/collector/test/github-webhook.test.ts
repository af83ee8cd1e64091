import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';
import { RunEvent } from '@pipewatch/shared';
import { collectRuns, type Collected } from './helpers/collect-messages.js';
import { startCollector, type Harness } from './helpers/collector-harness.js';
import { githubHeaders } from './helpers/github-delivery.js';
import { copyOf, githubExamples } from './helpers/github-examples.js';
import { settledRunIds } from './helpers/settle.js';

const SECRET = 'gh-webhook-secret-7f3a9c';
const completedJob = githubExamples('workflow_job').find(({ payload }) => (payload.workflow_job as { conclusion: string }).conclusion === 'success')!.payload;
const completedRun = githubExamples('workflow_run').find(
  ({ payload }) => payload.action === 'completed' && (payload.workflow_run as { status: string }).status === 'completed',
)!.payload;
const JOB_PIPELINE = 'github:Codertocat/Hello-World:CodeQL:linters';
const JOB_EVENT = 'github:Codertocat/Hello-World:job:289782451:1';

interface ErrorAnswer {
  error: { code: string; message: string };
}

describe('POST /webhooks/github', () => {
  let harness: Harness;
  let runs: Collected;

  beforeEach(async () => {
    harness = await startCollector({ github: { secret: SECRET } });
    runs = await collectRuns(harness.bus, harness.topics);
  });
  afterEach(async () => {
    await runs.close();
    await harness.close();
  });

  async function deliver(body: string, event: string, delivery?: string): Promise<Response> {
    return harness.post('/webhooks/github', body, 'application/json', await githubHeaders(SECRET, body, event, delivery));
  }

  it('verifies a signed workflow_job completed delivery and publishes its run event keyed by pipeline id', async () => {
    const response = await deliver(JSON.stringify(completedJob), 'workflow_job');
    assert.equal(response.status, 202);
    assert.deepEqual(await response.json(), { status: 'accepted', event_id: JOB_EVENT, duplicate: false, redactions: 0 });
    const message = await runs.waitForEvent(JOB_EVENT);
    assert.equal(message.key, JOB_PIPELINE);
    const event = RunEvent.parse(JSON.parse(message.value));
    assert.equal(event.source, 'github-actions');
    assert.equal(event.run.status, 'success');
  });

  it('publishes a workflow_run completed delivery under the workflow file path', async () => {
    const response = await deliver(JSON.stringify(completedRun), 'workflow_run');
    assert.equal(response.status, 202);
    const message = await runs.waitForEvent('github:octo-org/octo-repo:run:289782451:1');
    assert.equal(message.key, 'github:octo-org/octo-repo:.github/workflows/test.yml');
  });

  it('verifies the signature over the body exactly as sent: pretty-printed, non-ASCII text passes', async () => {
    const payload = copyOf(completedJob);
    (payload.workflow_job as { name: string }).name = 'lint — ünïcödé ✓';
    const body = JSON.stringify(payload, null, 3);
    const response = await deliver(body, 'workflow_job');
    assert.equal(response.status, 202);
    const event = RunEvent.parse(JSON.parse((await runs.waitForEvent(JOB_EVENT)).value));
    assert.equal(event.pipeline.job, 'lint — ünïcödé ✓');
  });

  it('answers 401 invalid_signature to a wrong secret and to a body changed after signing, and publishes nothing', async () => {
    const body = JSON.stringify(completedJob);
    const wrongSecret = await harness.post('/webhooks/github', body, 'application/json', await githubHeaders('another-secret', body, 'workflow_job'));
    assert.equal(wrongSecret.status, 401);
    assert.equal(((await wrongSecret.json()) as ErrorAnswer).error.code, 'invalid_signature');

    const headers = await githubHeaders(SECRET, body, 'workflow_job');
    const tampered = body.replace('"conclusion":"success"', '"conclusion":"failure"');
    assert.notEqual(tampered, body);
    const changed = await harness.post('/webhooks/github', tampered, 'application/json', headers);
    assert.equal(changed.status, 401);
    assert.equal(((await changed.json()) as ErrorAnswer).error.code, 'invalid_signature');

    const garbage = await harness.post('/webhooks/github', body, 'application/json', { ...headers, 'x-hub-signature-256': 'sha256=00' });
    assert.equal(garbage.status, 401);
    assert.deepEqual(await settledRunIds(harness, runs, JOB_PIPELINE), []);
  });

  it('answers 401 missing_signature when X-Hub-Signature-256 is absent, before reading the body', async () => {
    const response = await harness.post('/webhooks/github', JSON.stringify(completedJob), 'application/json', {
      'x-github-event': 'workflow_job',
      'x-github-delivery': randomUUID(),
    });
    assert.equal(response.status, 401);
    const answer = (await response.json()) as ErrorAnswer;
    assert.equal(answer.error.code, 'missing_signature');
    assert.match(answer.error.message, /X-Hub-Signature-256/);
    // Over the 1 MiB body limit: a 413 would mean the body was read first.
    const huge = await harness.post('/webhooks/github', 'x'.repeat(1_200_000), 'application/json', { 'x-github-event': 'workflow_job' });
    assert.equal(huge.status, 401);
    assert.deepEqual(await settledRunIds(harness, runs, JOB_PIPELINE), []);
  });

  it('accepts a repeated X-GitHub-Delivery once: the second answer says duplicate_delivery and nothing more is published', async () => {
    const body = JSON.stringify(completedJob);
    const delivery = randomUUID();
    assert.equal((await deliver(body, 'workflow_job', delivery)).status, 202);
    const again = await deliver(body, 'workflow_job', delivery);
    assert.equal(again.status, 202);
    assert.deepEqual(await again.json(), { status: 'duplicate_delivery' });
    assert.deepEqual(await settledRunIds(harness, runs, JOB_PIPELINE), [JOB_EVENT]);
  });

  it('publishes a redelivery under a new delivery id once too, by its event id', async () => {
    const body = JSON.stringify(completedJob);
    assert.equal((await deliver(body, 'workflow_job')).status, 202);
    const redelivered = await deliver(body, 'workflow_job');
    assert.deepEqual(await redelivered.json(), { status: 'accepted', event_id: JOB_EVENT, duplicate: true, redactions: 0 });
    assert.deepEqual(await settledRunIds(harness, runs, JOB_PIPELINE), [JOB_EVENT]);
  });

  it('answers a signed ping with pong, naming the events the hook is missing', async () => {
    const ping = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1, hook: { type: 'Repository', events: ['push', 'workflow_job'] } });
    const response = await deliver(ping, 'ping');
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: 'pong', missing_events: ['workflow_run'] });
    const unsigned = await harness.post('/webhooks/github', ping, 'application/json', { 'x-github-event': 'ping' });
    assert.equal(unsigned.status, 401);
  });

  it('answers 202 ignored to other events and to unfinished jobs, counting them in the metrics', async () => {
    const push = await deliver(JSON.stringify({ ref: 'refs/heads/main', repository: { full_name: 'octo/app' } }), 'push');
    assert.equal(push.status, 202);
    assert.deepEqual(await push.json(), { status: 'ignored', reason: 'unsupported_event', detail: 'GitHub event push' });
    const queued = githubExamples('workflow_job').find(({ payload }) => payload.action === 'queued')!.payload;
    const answer = (await (await deliver(JSON.stringify(queued), 'workflow_job')).json()) as { status: string; reason: string };
    assert.deepEqual([answer.status, answer.reason], ['ignored', 'not_completed']);

    const metrics = await (await fetch(`${harness.url}/metrics`)).text();
    assert.match(metrics, /^pipewatch_collector_webhook_deliveries_total\{ci="github",outcome="ignored",reason="unsupported_event"\} 1$/m);
    assert.match(metrics, /^pipewatch_collector_webhook_deliveries_total\{ci="github",outcome="ignored",reason="not_completed"\} 1$/m);
    assert.deepEqual(await settledRunIds(harness, runs, JOB_PIPELINE), []);
  });

  it('answers 400 invalid_payload naming the missing field of a completed job', async () => {
    const payload = copyOf(completedJob);
    delete (payload.workflow_job as Record<string, unknown>).run_id;
    const response = await deliver(JSON.stringify(payload), 'workflow_job');
    assert.equal(response.status, 400);
    const answer = (await response.json()) as { error: { code: string; issues: { path: string }[] } };
    assert.equal(answer.error.code, 'invalid_payload');
    assert.deepEqual(answer.error.issues.map((issue) => issue.path), ['workflow_job.run_id']);
  });

  it('answers 415 to a form-encoded delivery (the webhook must use application/json)', async () => {
    const body = `payload=${encodeURIComponent(JSON.stringify(completedJob))}`;
    const response = await harness.post('/webhooks/github', body, 'application/x-www-form-urlencoded', await githubHeaders(SECRET, body, 'workflow_job'));
    assert.equal(response.status, 415);
  });
});

describe('POST /webhooks/github (not configured, or with ingest tokens)', () => {
  it('answers 404 webhook_not_configured without a secret, even to a signed delivery', async () => {
    const harness = await startCollector();
    try {
      const body = JSON.stringify(completedJob);
      const response = await harness.post('/webhooks/github', body, 'application/json', await githubHeaders('anything', body, 'workflow_job'));
      assert.equal(response.status, 404);
      assert.equal(((await response.json()) as ErrorAnswer).error.code, 'webhook_not_configured');
    } finally {
      await harness.close();
    }
  });

  it('needs no bearer token (GitHub cannot send one) while /v1/events still does', async () => {
    const harness = await startCollector({ github: { secret: SECRET }, tokens: ['ingest-token-0123'] });
    try {
      const body = JSON.stringify(completedJob);
      const signature = await sign(SECRET, body);
      const response = await harness.post('/webhooks/github', body, 'application/json', {
        'x-github-event': 'workflow_job',
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': signature,
      });
      assert.equal(response.status, 202);
      assert.equal((await harness.post('/v1/events', '{}')).status, 401);
    } finally {
      await harness.close();
    }
  });
});
