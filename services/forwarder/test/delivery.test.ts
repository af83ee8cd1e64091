import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDelivery, createHttpClient, createSpool, type Spool, type SpoolRecord } from '../src/index.js';
import { closedPort, startRecordingCollector, type RecordingCollector } from './helpers/recording-collector.js';

const FAST_RETRY = { retries: 2, minDelayMs: 20, maxDelayMs: 50 };
const event = (id: string): SpoolRecord => ({ kind: 'event', body: { event_id: id } });
const logs = (id: string, lines = 2): SpoolRecord => ({ kind: 'logs', body: { event_id: id, lines: Array.from({ length: lines }, () => ({ text: 'x' })) } });

describe('createDelivery (retry, spool, resend)', () => {
  let dir: string;
  let spool: Spool;
  let collector: RecordingCollector | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pipewatch-delivery-test-'));
    spool = createSpool({ dir, maxBytes: 1_000_000 });
  });
  afterEach(async () => {
    await collector?.close();
    collector = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  const deliveryTo = (url: string, cooldownMs = 60_000) =>
    createDelivery({ client: createHttpClient({ baseUrl: url, timeoutMs: 1000 }), spool, retry: FAST_RETRY, cooldownMs });

  it('delivers records in order to /v1/events and /v1/logs and counts shipped lines', async () => {
    collector = await startRecordingCollector();
    const delivery = deliveryTo(collector.url);
    delivery.send(logs('l1', 3));
    delivery.send(logs('l2', 4));
    delivery.send(event('e1'));
    await delivery.finish(5000);
    assert.deepEqual(collector.requests.map((r) => [r.path, r.body.event_id]), [
      ['/v1/logs', 'l1'],
      ['/v1/logs', 'l2'],
      ['/v1/events', 'e1'],
    ]);
    const stats = delivery.stats();
    assert.equal(stats.state, 'up');
    assert.equal(stats.sentRecords, 3);
    assert.equal(stats.sentLines, 7);
    assert.equal(stats.pendingRecords, 0);
  });

  it('spools what it cannot deliver when the collector is down, trying the collector only once per cooldown', async () => {
    const delivery = deliveryTo(`http://127.0.0.1:${await closedPort()}`);
    const started = Date.now();
    delivery.send(logs('l1'));
    delivery.send(logs('l2'));
    delivery.send(event('e1'));
    await delivery.finish(5000);
    assert.ok(Date.now() - started < 3000, 'one backoff series, then straight to the spool');
    assert.deepEqual((await spool.read()).map((r) => (r.body as { event_id: string }).event_id), ['l1', 'l2', 'e1']);
    const stats = delivery.stats();
    assert.equal(stats.state, 'down');
    assert.equal(stats.spooled, 3);
    assert.match(stats.lastError ?? '', /unreachable/);
  });

  it('retries a 503 and succeeds once the collector recovers', async () => {
    collector = await startRecordingCollector();
    collector.statusFor.set('/v1/events', 503);
    const delivery = createDelivery({
      client: createHttpClient({ baseUrl: collector.url, timeoutMs: 1000 }),
      spool,
      retry: { retries: 5, minDelayMs: 100, maxDelayMs: 100 },
      cooldownMs: 60_000,
    });
    delivery.send(event('e1'));
    setTimeout(() => collector!.statusFor.delete('/v1/events'), 150);
    await delivery.finish(5000);
    assert.ok(collector.requests.length >= 2, 'at least one retry');
    assert.equal(collector.requests.at(-1)!.path, '/v1/events');
    assert.equal(delivery.stats().state, 'up');
    assert.deepEqual(await spool.read(), []);
  });

  it('treats a 404 from /v1/logs as "this collector takes no logs": drops logs, still sends the event', async () => {
    collector = await startRecordingCollector();
    collector.statusFor.set('/v1/logs', 404);
    const delivery = deliveryTo(collector.url);
    delivery.send(logs('l1'));
    delivery.send(logs('l2'));
    delivery.send(event('e1'));
    await delivery.finish(5000);
    assert.deepEqual(collector.requests.map((r) => r.path), ['/v1/logs', '/v1/events'], 'one 404, then no more log requests, no retries');
    const stats = delivery.stats();
    assert.equal(stats.logsUnsupported, true);
    assert.equal(stats.state, 'up');
    assert.deepEqual(await spool.read(), [], 'refused logs are not spooled either');
  });

  it('resends spooled records before newer ones and empties the spool', async () => {
    await spool.append([logs('old-l'), event('old-e')]);
    collector = await startRecordingCollector();
    const delivery = deliveryTo(collector.url);
    delivery.resendSpooled();
    delivery.send(event('new-e'));
    await delivery.finish(5000);
    assert.deepEqual(collector.requests.map((r) => r.body.event_id), ['old-l', 'old-e', 'new-e']);
    assert.equal(delivery.stats().resent, 2);
    assert.deepEqual(await spool.read(), []);
  });

  it('puts unsent spooled records back when the collector is still down', async () => {
    await spool.append([logs('old-l'), event('old-e')]);
    const delivery = deliveryTo(`http://127.0.0.1:${await closedPort()}`);
    delivery.resendSpooled();
    delivery.send(event('new-e'));
    await delivery.finish(5000);
    assert.deepEqual((await spool.read()).map((r) => (r.body as { event_id: string }).event_id).sort(), ['new-e', 'old-e', 'old-l']);
  });

  it('spools whatever is still queued when the flush timeout ends', async () => {
    const silent = createServer(() => undefined).listen(0, '127.0.0.1');
    await once(silent, 'listening');
    try {
      const port = (silent.address() as { port: number }).port;
      const delivery = createDelivery({
        client: createHttpClient({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 10_000 }),
        spool,
        retry: FAST_RETRY,
        cooldownMs: 60_000,
      });
      delivery.send(event('e1'));
      delivery.send(logs('l1'));
      const started = Date.now();
      await delivery.finish(300);
      assert.ok(Date.now() - started < 2000, `finish took ${Date.now() - started} ms`);
      assert.deepEqual((await spool.read()).map((r) => (r.body as { event_id: string }).event_id), ['e1', 'l1']);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});
