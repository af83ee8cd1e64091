import assert from 'node:assert/strict';
import { PermanentError, RetryableError, type RetryPolicy } from '@pipewatch/shared';
import { createWebhookSink, verifySignature } from '../src/index.js';
import { startReceiver, type Receiver, type Responder } from './helpers/http-receiver.js';
import { makeFinding } from './helpers/make-finding.js';
import { recordingLogger } from './helpers/recording-logger.js';

const retry: RetryPolicy = { retries: 4, minDelayMs: 10, maxDelayMs: 40 };
const secret = 'webhook-secret-for-tests';

describe('webhook sink', () => {
  const receivers: Receiver[] = [];
  async function receiver(respond?: Responder): Promise<Receiver> {
    const started = await startReceiver(respond);
    receivers.push(started);
    return started;
  }
  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((started) => started.close()));
  });

  it('POSTs each finding as its own JSON request with the pipewatch headers', async () => {
    const target = await receiver();
    const sink = createWebhookSink({ addressPolicy: 'loopback', url: `${target.origin}/hooks/pipewatch`, timeoutMs: 2_000, retry, logger: recordingLogger() });
    const findings = [makeFinding(), makeFinding({ severity: 'low' })];
    await sink.write(findings);

    assert.equal(target.requests.length, 2);
    target.requests.forEach((request, index) => {
      assert.equal(request.method, 'POST');
      assert.equal(request.path, '/hooks/pipewatch');
      assert.equal(request.headers['content-type'], 'application/json');
      assert.equal(request.headers['user-agent'], 'pipewatch/0.1');
      assert.equal(request.headers['x-pipewatch-finding-id'], findings[index]!.finding_id);
      assert.deepEqual(JSON.parse(request.body), findings[index]);
      // Unsigned when no secret is configured.
      assert.equal(request.headers['x-pipewatch-signature'], undefined);
      assert.equal(request.headers['x-pipewatch-timestamp'], undefined);
    });
  });

  it('signs with the secret: the signature verifies, and a tampered body, wrong secret or stale timestamp does not', async () => {
    const target = await receiver();
    const sink = createWebhookSink({ addressPolicy: 'loopback', url: `${target.origin}/hook`, secret, timeoutMs: 2_000, retry, logger: recordingLogger() });
    await sink.write([makeFinding()]);

    const [request] = target.requests;
    assert.ok(request);
    const timestamp = request.headers['x-pipewatch-timestamp'] as string;
    const signature = request.headers['x-pipewatch-signature'] as string;
    assert.match(timestamp, /^\d+$/);
    assert.ok(Math.abs(Number(timestamp) - Date.now() / 1000) < 60, 'timestamp is the current unix time in seconds');
    assert.match(signature, /^sha256=[0-9a-f]{64}$/);

    const signed = { secret, timestamp, body: request.body, signature, toleranceSeconds: 300 };
    assert.equal(verifySignature(signed), true);
    assert.equal(verifySignature({ ...signed, body: request.body.replace('"high"', '"low"') }), false);
    assert.equal(verifySignature({ ...signed, secret: 'someone-elses-secret' }), false);
    assert.equal(verifySignature({ ...signed, now: new Date((Number(timestamp) + 301) * 1000) }), false);
  });

  it('retries a receiver that answers 500 three times, then delivers exactly once', async () => {
    const target = await receiver((_request, index) => (index < 3 ? 500 : 200));
    const sink = createWebhookSink({ addressPolicy: 'loopback', url: `${target.origin}/hook`, timeoutMs: 2_000, retry, logger: recordingLogger() });
    const finding = makeFinding();
    await sink.write([finding]);

    assert.deepEqual(target.statuses, [500, 500, 500, 200]);
    assert.equal(target.statuses.filter((status) => status === 200).length, 1);
    assert.ok(target.requests.every((request) => request.headers['x-pipewatch-finding-id'] === finding.finding_id));
  });

  it('retries 429', async () => {
    const target = await receiver((_request, index) => (index === 0 ? 429 : 200));
    const sink = createWebhookSink({ addressPolicy: 'loopback', url: `${target.origin}/hook`, timeoutMs: 2_000, retry, logger: recordingLogger() });
    await sink.write([makeFinding()]);
    assert.deepEqual(target.statuses, [429, 200]);
  });

  it('does not retry a 400: one request, and a PermanentError naming the status', async () => {
    const target = await receiver(() => 400);
    const sink = createWebhookSink({ addressPolicy: 'loopback', url: `${target.origin}/hook`, timeoutMs: 2_000, retry, logger: recordingLogger() });
    await assert.rejects(sink.write([makeFinding()]), (error: unknown) => {
      assert.ok(error instanceof PermanentError);
      assert.match(error.message, /400/);
      return true;
    });
    assert.equal(target.requests.length, 1);
  });

  it('does not follow a redirect with a signed finding', async () => {
    const target = await receiver(() => 307);
    const sink = createWebhookSink({ addressPolicy: 'loopback', url: `${target.origin}/hook`, secret, timeoutMs: 2_000, retry, logger: recordingLogger() });
    await assert.rejects(sink.write([makeFinding()]), (error: unknown) => error instanceof PermanentError && /307/.test(error.message));
    assert.equal(target.requests.length, 1);
  });

  it('retries a request that times out', async () => {
    const target = await receiver((_request, index) => (index === 0 ? 'hang' : 200));
    const logger = recordingLogger();
    const sink = createWebhookSink({ addressPolicy: 'loopback', url: `${target.origin}/hook`, timeoutMs: 200, retry, logger });
    const started = Date.now();
    await sink.write([makeFinding()]);

    assert.equal(target.requests.length, 2);
    assert.deepEqual(target.statuses, [200]);
    assert.ok(Date.now() - started >= 200, 'the first attempt waited for the timeout');
    assert.ok(logger.entries.some((entry) => entry.level === 'warn' && /did not answer within 200 ms/.test(String(entry.fields.error))));
  });

  it('gives up with a RetryableError when every attempt fails, so the bus redelivers later', async () => {
    const target = await receiver(() => 503);
    const sink = createWebhookSink({ addressPolicy: 'loopback', url: `${target.origin}/hook`, timeoutMs: 2_000, retry: { ...retry, retries: 2 }, logger: recordingLogger() });
    await assert.rejects(sink.write([makeFinding()]), (error: unknown) => error instanceof RetryableError && /503/.test(error.message));
    assert.equal(target.requests.length, 3);
  });

  it('treats an unreachable receiver as retryable', async () => {
    const gone = await startReceiver();
    await gone.close();
    const sink = createWebhookSink({ addressPolicy: 'loopback', url: `${gone.origin}/hook`, timeoutMs: 2_000, retry: { ...retry, retries: 1 }, logger: recordingLogger() });
    await assert.rejects(sink.write([makeFinding()]), (error: unknown) => error instanceof RetryableError && error.code === 'webhook_unreachable');
  });

  it('sends URL userinfo as Basic auth, and never logs or reports the query, the userinfo or the secret', async () => {
    const target = await receiver((_request, index) => (index === 0 ? 500 : 400));
    const logger = recordingLogger();
    const url = `${target.origin.replace('http://', 'http://alice:hunter2@')}/hook?token=tok3n-value`;
    const sink = createWebhookSink({ addressPolicy: 'loopback', url, secret, timeoutMs: 2_000, retry, logger });
    const failure = await sink.write([makeFinding()]).then(
      () => assert.fail('a 400 must reject'),
      (error: unknown) => error as Error,
    );

    assert.equal(target.requests[0]?.path, '/hook?token=tok3n-value');
    assert.equal(target.requests[0]?.headers.authorization, `Basic ${Buffer.from('alice:hunter2').toString('base64')}`);
    const said = JSON.stringify(logger.entries) + failure.message;
    assert.ok(logger.entries.some((entry) => entry.level === 'warn'), 'the 500 was logged');
    assert.ok(said.includes(`${target.origin}/hook`), 'origin and path are logged');
    for (const leak of ['tok3n-value', 'token=', 'hunter2', 'alice', secret]) {
      assert.ok(!said.includes(leak), `logs or errors contain ${leak}`);
    }
  });

  it('stops retrying on close and reports it as retryable', async () => {
    const target = await receiver(() => 500);
    const sink = createWebhookSink({ addressPolicy: 'loopback', url: `${target.origin}/hook`, timeoutMs: 2_000, retry: { retries: 50, minDelayMs: 50, maxDelayMs: 50 }, logger: recordingLogger() });
    const writing = sink.write([makeFinding()]);
    await new Promise((resolve) => setTimeout(resolve, 30));
    await sink.close?.();
    await assert.rejects(writing, (error: unknown) => error instanceof RetryableError && error.code === 'sink_closed');
    assert.ok(target.requests.length < 5);
  });
});
