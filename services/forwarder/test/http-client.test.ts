import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isRetryable } from '@pipewatch/shared';
import { CollectorError, createHttpClient } from '../src/index.js';
import { closedPort, startRecordingCollector, type RecordingCollector } from './helpers/recording-collector.js';

async function failure(promise: Promise<unknown>): Promise<CollectorError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof CollectorError, `expected a CollectorError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a failure');
}

describe('createHttpClient (fetch with timeout)', () => {
  let collector: RecordingCollector;
  before(async () => {
    collector = await startRecordingCollector();
  });
  after(() => collector.close());

  it('POSTs JSON with the bearer token and resolves with the parsed answer', async () => {
    const client = createHttpClient({ baseUrl: collector.url, token: 'tok-123', timeoutMs: 2000 });
    const reply = await client.postJson('/v1/events', { hello: 'world' });
    assert.deepEqual(reply, { status: 202, body: { accepted: 1, rejected: 0, errors: [] } });
    const request = collector.requests.at(-1)!;
    assert.equal(request.headers.authorization, 'Bearer tok-123');
    assert.equal(request.headers['content-type'], 'application/json');
    assert.deepEqual(request.body, { hello: 'world' });
  });

  it('sends no Authorization header without a token', async () => {
    await createHttpClient({ baseUrl: collector.url, timeoutMs: 2000 }).postJson('/v1/logs', {});
    assert.equal(collector.requests.at(-1)!.headers.authorization, undefined);
  });

  const statuses: [number, boolean][] = [
    [503, true],
    [500, true],
    [429, true],
    [408, true],
    [404, false],
    [400, false],
    [401, false],
    [413, false],
  ];
  for (const [status, retryable] of statuses) {
    it(`maps HTTP ${status} to a ${retryable ? 'retryable' : 'permanent'} error`, async () => {
      collector.statusFor.set('/status', status);
      const error = await failure(createHttpClient({ baseUrl: collector.url, timeoutMs: 2000 }).postJson('/status', {}));
      assert.equal(error.status, status);
      assert.equal(isRetryable(error), retryable);
    });
  }

  it('maps a refused connection to a retryable "unreachable" error', async () => {
    const error = await failure(createHttpClient({ baseUrl: `http://127.0.0.1:${await closedPort()}`, timeoutMs: 2000 }).postJson('/v1/events', {}));
    assert.equal(error.status, 0);
    assert.equal(error.code, 'collector_unreachable');
    assert.equal(isRetryable(error), true);
  });

  it('gives up on a collector that never answers after timeoutMs', async () => {
    const silent = createServer(() => undefined).listen(0, '127.0.0.1');
    await once(silent, 'listening');
    try {
      const started = Date.now();
      const client = createHttpClient({ baseUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, timeoutMs: 300 });
      const error = await failure(client.postJson('/v1/events', {}));
      assert.match(error.message, /no answer within 300 ms/);
      assert.equal(isRetryable(error), true);
      assert.ok(Date.now() - started < 2000);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});
