import assert from 'node:assert/strict';
import { startCollector, type Harness } from './helpers/collector-harness.js';
import { validRunEvent } from './helpers/run-event.js';

describe('bearer token auth', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startCollector({ tokens: ['s3cret-token-one', 'another-longer-token-two'] });
  });
  afterEach(async () => harness.close());

  it('answers 401 missing_token with WWW-Authenticate when no token is sent', async () => {
    const response = await harness.post('/v1/events', JSON.stringify(validRunEvent()));
    assert.equal(response.status, 401);
    assert.equal(response.headers.get('www-authenticate'), 'Bearer');
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'missing_token');
  });

  it('answers 401 invalid_token to a wrong token, including a prefix of a right one', async () => {
    for (const token of ['wrong', 's3cret-token', 's3cret-token-one-and-more']) {
      const response = await harness.post('/v1/events', JSON.stringify(validRunEvent()), 'application/json', { authorization: `Bearer ${token}` });
      assert.equal(response.status, 401, token);
      const text = await response.text();
      assert.equal((JSON.parse(text) as { error: { code: string } }).error.code, 'invalid_token');
      assert.ok(!text.includes(token), 'the presented token is not echoed');
    }
  });

  it('answers 202 with any configured token', async () => {
    for (const token of ['s3cret-token-one', 'another-longer-token-two']) {
      const response = await harness.post('/v1/events', JSON.stringify(validRunEvent()), 'application/json', { authorization: `Bearer ${token}` });
      assert.equal(response.status, 202, token);
    }
  });

  it('checks the token before reading the body (401, not 415, for an unauthenticated odd body)', async () => {
    const response = await harness.post('/v1/events', 'hello', 'text/plain');
    assert.equal(response.status, 401);
  });

  it('leaves /healthz and /readyz open but guards /metrics and unknown paths', async () => {
    assert.equal((await fetch(`${harness.url}/healthz`)).status, 200);
    assert.equal((await fetch(`${harness.url}/readyz`)).status, 200);
    assert.equal((await fetch(`${harness.url}/metrics`)).status, 401);
    assert.equal((await fetch(`${harness.url}/nope`)).status, 401);
    const authorized = await fetch(`${harness.url}/metrics`, { headers: { authorization: 'Bearer s3cret-token-one' } });
    assert.equal(authorized.status, 200);
  });
});
