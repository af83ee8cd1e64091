import assert from 'node:assert/strict';
import { PermanentError, RetryableError, createCoalescingPublisher, type TopicBatch } from '@pipewatch/shared';

interface Request {
  batch: TopicBatch;
  ack: () => void;
  fail: (error: unknown) => void;
}

/** A sender whose requests the test acknowledges or fails by hand, like a broker. */
function manualBroker() {
  const requests: Request[] = [];
  const send = (batch: TopicBatch) =>
    new Promise<void>((resolve, reject) => {
      requests.push({ batch, ack: resolve, fail: reject });
    });
  return { requests, send };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
const msg = (value: string) => ({ key: `k-${value}`, value });
const values = (batch: TopicBatch) => batch.flatMap(({ topic, messages }) => messages.map((message) => `${topic}:${message.value}`));

function publisher(send: (batch: TopicBatch) => Promise<void>, overrides: Partial<Parameters<typeof createCoalescingPublisher>[0]> = {}) {
  return createCoalescingPublisher({
    send,
    lingerMs: 0,
    maxBatchMessages: 1000,
    maxBatchChars: 1_000_000,
    timeoutMs: 5_000,
    isolate: (error) => error instanceof PermanentError,
    ...overrides,
  });
}

describe('coalescing publisher', () => {
  it('sends publishes made while a request is in flight as one request, in order, grouped by topic', async () => {
    const broker = manualBroker();
    const bus = publisher(broker.send);
    const first = bus.publish('runs', [msg('1')]);
    await tick();
    assert.equal(broker.requests.length, 1);
    const later = [bus.publish('runs', [msg('2'), msg('3')]), bus.publish('findings', [msg('4')]), bus.publish('runs', [msg('5')])];
    await tick();
    assert.equal(broker.requests.length, 1, 'nothing more goes out while the first request waits for its acks');
    broker.requests[0]!.ack();
    await first;
    await tick();
    assert.equal(broker.requests.length, 2);
    assert.deepEqual(values(broker.requests[1]!.batch), ['runs:2', 'runs:3', 'runs:5', 'findings:4']);
    broker.requests[1]!.ack();
    await Promise.all(later);
  });

  it("resolves a caller only when the request holding its messages is acknowledged", async () => {
    const broker = manualBroker();
    const bus = publisher(broker.send);
    let firstDone = false;
    let secondDone = false;
    void bus.publish('runs', [msg('1')]).then(() => (firstDone = true));
    await tick();
    void bus.publish('runs', [msg('2')]).then(() => (secondDone = true));
    broker.requests[0]!.ack();
    await tick();
    assert.deepEqual([firstDone, secondDone], [true, false]);
    broker.requests[1]!.ack();
    await tick();
    assert.equal(secondDone, true);
  });

  it('cuts requests at the message and size limits without splitting one caller', async () => {
    const broker = manualBroker();
    const bus = publisher(broker.send, { maxBatchMessages: 3 });
    const blocker = bus.publish('runs', [msg('0')]);
    await tick();
    const rest = [bus.publish('runs', [msg('a1'), msg('a2')]), bus.publish('runs', [msg('b1'), msg('b2')]), bus.publish('runs', [msg('c1')])];
    broker.requests[0]!.ack();
    await blocker;
    await tick();
    assert.deepEqual(values(broker.requests[1]!.batch), ['runs:a1', 'runs:a2']);
    broker.requests[1]!.ack();
    await tick();
    assert.deepEqual(values(broker.requests[2]!.batch), ['runs:b1', 'runs:b2', 'runs:c1']);
    broker.requests[2]!.ack();
    await Promise.all(rest);

    const small = manualBroker();
    const bySize = publisher(small.send, { maxBatchChars: 10 });
    const big = bySize.publish('runs', [{ key: 'k', value: 'x'.repeat(50) }]);
    await tick();
    assert.equal(small.requests.length, 1, 'a caller larger than the limit still goes, alone');
    small.requests[0]!.ack();
    await big;
  });

  it('fails every caller of a request with its retryable error', async () => {
    const broker = manualBroker();
    const bus = publisher(broker.send);
    const blocker = bus.publish('runs', [msg('0')]);
    await tick();
    const pair = [bus.publish('runs', [msg('1')]), bus.publish('runs', [msg('2')])];
    broker.requests[0]!.ack();
    await blocker;
    await tick();
    broker.requests[1]!.fail(new RetryableError('down', 'broker down'));
    for (const outcome of await Promise.allSettled(pair)) {
      assert.equal(outcome.status, 'rejected');
      assert.match(String((outcome as PromiseRejectedResult).reason), /broker down/);
    }
    assert.equal(broker.requests.length, 2, 'a retryable failure is not sent again caller by caller');
  });

  it('sends a request refused for good again caller by caller, so only the bad one fails', async () => {
    const calls: string[][] = [];
    const bus = publisher(async (batch) => {
      const sent = values(batch);
      calls.push(sent);
      if (sent.includes('runs:bad')) throw new PermanentError('too_large', 'message too large');
    });
    const outcomes = await Promise.allSettled([bus.publish('runs', [msg('good1')]), bus.publish('runs', [msg('bad')]), bus.publish('runs', [msg('good2')])]);
    assert.deepEqual(
      outcomes.map((outcome) => outcome.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.deepEqual(calls, [['runs:good1', 'runs:bad', 'runs:good2'], ['runs:good1'], ['runs:bad'], ['runs:good2']]);
  });

  it('times a caller out as retryable and never sends its messages once it was told so', async () => {
    const broker = manualBroker();
    const bus = publisher(broker.send, { timeoutMs: 30 });
    const stuck = bus.publish('runs', [msg('1')]);
    await tick();
    const queued = bus.publish('runs', [msg('2')]);
    await assert.rejects(stuck, (error: unknown) => error instanceof RetryableError && error.code === 'publish_timeout');
    await assert.rejects(queued, (error: unknown) => error instanceof RetryableError && error.code === 'publish_timeout');
    const after = bus.publish('runs', [msg('3')]);
    broker.requests[0]!.ack();
    await tick();
    assert.deepEqual(values(broker.requests[1]!.batch), ['runs:3'], 'the timed-out publish left the queue');
    broker.requests[1]!.ack();
    await after;
  });

  it('waits the linger for company when idle', async () => {
    const broker = manualBroker();
    const bus = publisher(broker.send, { lingerMs: 40 });
    const all = [bus.publish('runs', [msg('1')])];
    await tick();
    all.push(bus.publish('runs', [msg('2')]));
    assert.equal(broker.requests.length, 0);
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(broker.requests.length, 1);
    assert.deepEqual(values(broker.requests[0]!.batch), ['runs:1', 'runs:2']);
    broker.requests[0]!.ack();
    await Promise.all(all);
  });

  it('drain() resolves once what was handed in is acknowledged', async () => {
    const broker = manualBroker();
    const bus = publisher(broker.send, { lingerMs: 1000 });
    let done = false;
    void bus.publish('runs', [msg('1')]).then(() => (done = true));
    const draining = bus.drain();
    await tick();
    assert.equal(broker.requests.length, 1, 'drain sends without waiting out the linger');
    broker.requests[0]!.ack();
    await draining;
    assert.equal(done, true);
  });
});
