import assert from 'node:assert/strict';
import { RunEvent } from '@pipewatch/shared';
import { collectRuns, type Collected } from './helpers/collect-messages.js';
import { startCollector, type Harness } from './helpers/collector-harness.js';
import { jenkinsNotification } from './helpers/jenkins-notification.js';
import { settledRunIds } from './helpers/settle.js';

const TOKEN = 'jenkins-ingest-token-9d2';
const BEARER = { authorization: `Bearer ${TOKEN}` };
const PIPELINE = 'jenkins:team/app';

/** What the Notification plugin sends for an endpoint URL `https://pipewatch:<token>@host/webhooks/jenkins`. */
const basic = (user: string, password: string): Record<string, string> => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

interface ErrorAnswer {
  error: { code: string };
}

describe('POST /webhooks/jenkins', () => {
  let harness: Harness;
  let runs: Collected;

  beforeEach(async () => {
    harness = await startCollector({ tokens: [TOKEN] });
    runs = await collectRuns(harness.bus, harness.topics);
  });
  afterEach(async () => {
    await runs.close();
    await harness.close();
  });

  const deliver = (payload: unknown, headers: Record<string, string> = BEARER, contentType = 'application/json;charset=UTF-8'): Promise<Response> =>
    harness.post('/webhooks/jenkins', JSON.stringify(payload), contentType, headers);

  it('publishes a COMPLETED build with a bearer token', async () => {
    const response = await deliver(jenkinsNotification());
    assert.equal(response.status, 202);
    const message = await runs.waitForEvent('jenkins:team/app:42');
    assert.equal(message.key, PIPELINE);
    assert.equal(RunEvent.parse(JSON.parse(message.value)).run.status, 'success');
  });

  it('takes the token as the password of Basic auth, the only header the plugin can send', async () => {
    assert.equal((await deliver(jenkinsNotification(), basic('pipewatch', TOKEN))).status, 202);
    await runs.waitForEvent('jenkins:team/app:42');
    const wrong = await deliver(jenkinsNotification({ number: 43 }), basic('pipewatch', 'not-the-token'));
    assert.equal(wrong.status, 401);
    assert.equal(((await wrong.json()) as ErrorAnswer).error.code, 'invalid_token');
  });

  it('answers 401 missing_token and invalid_token and publishes nothing', async () => {
    const missing = await deliver(jenkinsNotification(), {});
    assert.equal(missing.status, 401);
    assert.equal(((await missing.json()) as ErrorAnswer).error.code, 'missing_token');
    const invalid = await deliver(jenkinsNotification(), { authorization: 'Bearer nope-nope-nope' });
    assert.equal(invalid.status, 401);
    assert.equal(((await invalid.json()) as ErrorAnswer).error.code, 'invalid_token');
    assert.deepEqual(await settledRunIds(harness, runs, PIPELINE, BEARER), []);
  });

  it('publishes a build once when both COMPLETED and FINALIZED arrive; ignores STARTED', async () => {
    const started = await deliver(jenkinsNotification({ phase: 'STARTED', status: null }));
    assert.deepEqual(await started.json(), { status: 'ignored', reason: 'phase_not_final', detail: 'build phase STARTED' });
    assert.equal((await deliver(jenkinsNotification({ phase: 'COMPLETED' }))).status, 202);
    const finalized = await deliver(jenkinsNotification({ phase: 'FINALIZED', timestamp: Date.UTC(2025, 2, 1, 12, 0, 5) }));
    assert.deepEqual(await finalized.json(), { status: 'accepted', event_id: 'jenkins:team/app:42', duplicate: true, redactions: 0 });
    assert.deepEqual(await settledRunIds(harness, runs, PIPELINE, BEARER), ['jenkins:team/app:42']);
  });

  it('answers 415 to the plugin XML format', async () => {
    const response = await deliver(jenkinsNotification(), BEARER, 'application/xml;charset=UTF-8');
    assert.equal(response.status, 415);
  });

  it('answers 400 invalid_payload naming what is missing', async () => {
    const payload = jenkinsNotification();
    delete (payload.build as Record<string, unknown>).number;
    const response = await deliver(payload);
    assert.equal(response.status, 400);
    const answer = (await response.json()) as { error: { code: string; issues: { path: string }[] } };
    assert.equal(answer.error.code, 'invalid_payload');
    assert.deepEqual(answer.error.issues.map((issue) => issue.path), ['build.number']);
  });
});
