import assert from 'node:assert/strict';
import { startCollector, type Harness } from './helpers/collector-harness.js';

describe('health probes', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startCollector();
  });
  afterEach(async () => harness.close());

  it('GET /healthz answers 200 {status: ok}', async () => {
    const response = await fetch(`${harness.url}/healthz`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: 'ok' });
  });

  it('GET /readyz answers 200 while the bus is ready and 503 after it is closed', async () => {
    const ready = await fetch(`${harness.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: 'ready' });

    await harness.bus.close();
    const notReady = await fetch(`${harness.url}/readyz`);
    assert.equal(notReady.status, 503);
    assert.deepEqual(await notReady.json(), { status: 'not_ready' });
  });

  it('answers an unknown path 404 in the error shape', async () => {
    const response = await fetch(`${harness.url}/v2/whatever?x=1`);
    assert.equal(response.status, 404);
    assert.deepEqual(await response.json(), { error: { code: 'not_found', message: 'no route GET /v2/whatever' } });
  });
});
