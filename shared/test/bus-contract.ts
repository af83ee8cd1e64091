import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DEAD_LETTER_HEADERS,
  PermanentError,
  RetryableError,
  type BatchOutcome,
  type Bus,
  type IncomingMessage,
  type MessageHandler,
  type OutgoingMessage,
  type Subscription,
} from '@pipewatch/shared';
import { waitFor, within } from './wait-for.js';

export interface BusUnderTest {
  bus: Bus;
  /** A topic name no other test uses (real brokers keep topics between tests). */
  topic: (base: string) => string;
  /** Releases whatever makeBus created; must tolerate a bus that a test already closed. */
  cleanup(): Promise<void>;
}

/** Generous enough for a real Kafka group join; in memory every wait ends in milliseconds. */
const WAIT_MS = 30_000;

const FAST_RETRY = { retries: 5, minDelayMs: 10, maxDelayMs: 50 };

interface Consumer {
  readonly messages: IncomingMessage[];
  close(): Promise<void>;
}

type Behaviour = (message: IncomingMessage) => Promise<void>;

interface BatchConsumer {
  /** Every batch handed over, failed ones included. */
  readonly batches: IncomingMessage[][];
  /** Messages of batches whose handler resolved, in delivery order, minus the ones it rejected. */
  readonly handled: IncomingMessage[];
  close(): Promise<void>;
}

type BatchBehaviour = (messages: readonly IncomingMessage[]) => Promise<BatchOutcome>;

const acceptAll: BatchBehaviour = async () => ({ rejected: [] });

const values = (messages: IncomingMessage[]): string[] => messages.map((message) => message.value);

/**
 * The behaviour every Bus adapter must show, as one mocha block. Assertions rely
 * only on the port, so the same cases run in memory and against real brokers.
 */
export function runBusContract(name: string, makeBus: () => Promise<BusUnderTest>): void {
  describe(`Bus contract: ${name}`, function () {
    this.timeout(WAIT_MS * 4);

    let env: BusUnderTest;
    let open: Set<Subscription>;
    /** Aborted after each test so no handler a test parked can keep a close() waiting. */
    let parked: AbortController;

    beforeEach(async () => {
      env = await makeBus();
      open = new Set();
      parked = new AbortController();
    });

    afterEach(async () => {
      parked.abort();
      await Promise.allSettled([...open].map((subscription) => subscription.close()));
      await env.cleanup();
    });

    const group = (base: string): string => `${base}-${randomUUID()}`;

    /** Subscribes, records every delivery, and returns once the consumer holds partitions. */
    async function consume(
      topic: string,
      groupName: string,
      behaviour: Behaviour = async () => undefined,
      deadLetterTopic = env.topic('dlq-unused'),
    ): Promise<Consumer> {
      const messages: IncomingMessage[] = [];
      let assigned = false;
      const handler: MessageHandler = async (message) => {
        messages.push(message);
        await behaviour(message);
      };
      const subscription = await env.bus.subscribe({
        topic,
        group: groupName,
        handler,
        deadLetterTopic,
        retry: FAST_RETRY,
        onAssign: async () => {
          assigned = true;
        },
      });
      open.add(subscription);
      await waitFor(() => assigned, WAIT_MS, `${groupName} to be assigned partitions of ${topic}`);
      return {
        messages,
        async close() {
          await subscription.close();
          open.delete(subscription);
        },
      };
    }

    /** Subscribes with a batch handler that records every batch; returns once the consumer holds partitions. */
    async function consumeBatches(topic: string, groupName: string, behaviour: BatchBehaviour = acceptAll, deadLetterTopic = env.topic('dlq-unused')): Promise<BatchConsumer> {
      const batches: IncomingMessage[][] = [];
      const handled: IncomingMessage[] = [];
      let assigned = false;
      const subscription = await env.bus.subscribe({
        topic,
        group: groupName,
        batchHandler: async (messages) => {
          batches.push([...messages]);
          const outcome = await behaviour(messages);
          const rejected = new Set(outcome.rejected.map((item) => item.message));
          handled.push(...messages.filter((message) => !rejected.has(message)));
          return outcome;
        },
        deadLetterTopic,
        retry: FAST_RETRY,
        onAssign: async () => {
          assigned = true;
        },
      });
      open.add(subscription);
      await waitFor(() => assigned, WAIT_MS, `${groupName} to be assigned partitions of ${topic}`);
      return {
        batches,
        handled,
        async close() {
          await subscription.close();
          open.delete(subscription);
        },
      };
    }

    /** Resolves when `signal` aborts; a parked handler uses it to give up its message. */
    const aborted = (signal: AbortSignal): Promise<void> =>
      new Promise((resolve) => {
        if (signal.aborted) resolve();
        else signal.addEventListener('abort', () => resolve(), { once: true });
      });

    it('delivers a published message to a subscriber with its key, value and headers', async () => {
      const topic = env.topic('delivery');
      const consumer = await consume(topic, group('delivery'));
      await env.bus.publish(topic, [
        { key: 'github:octo/app:ci.yml:build', value: '{"event_id":"e-1"}', headers: { 'x-trace-id': 'trace-42', 'content-type': 'application/json' } },
      ]);
      await waitFor(() => consumer.messages.length === 1, WAIT_MS, 'the message');
      const [message] = consumer.messages;
      assert.ok(message);
      assert.equal(message.topic, topic);
      assert.equal(message.key, 'github:octo/app:ci.yml:build');
      assert.equal(message.value, '{"event_id":"e-1"}');
      assert.equal(message.headers['x-trace-id'], 'trace-42');
      assert.equal(message.headers['content-type'], 'application/json');
      assert.equal(typeof message.partition, 'number');
      assert.match(message.offset, /^\d+$/);
    });

    it('carries a binary value byte for byte (as `bytes`), every byte value included', async () => {
      const topic = env.topic('binary');
      const consumer = await consume(topic, group('binary'));
      const value = Uint8Array.from({ length: 512 }, (_, i) => (i * 7) % 256);
      await env.bus.publish(topic, [{ key: 'baseline-1', value: '', bytes: value }]);
      await waitFor(() => consumer.messages.length === 1, WAIT_MS, 'the binary message');
      const [message] = consumer.messages;
      assert.ok(message?.bytes, 'the message offers its bytes');
      assert.deepEqual(Uint8Array.from(message.bytes), value);
    });

    it('keeps per-key order for 200 messages over 10 keys', async () => {
      const topic = env.topic('order');
      const consumer = await consume(topic, group('order'));
      const all: OutgoingMessage[] = Array.from({ length: 200 }, (_, i) => ({ key: `pipeline-${i % 10}`, value: String(i) }));
      // Several publishes, so order has to hold across batches too.
      for (let start = 0; start < all.length; start += 25) await env.bus.publish(topic, all.slice(start, start + 25));
      await waitFor(() => consumer.messages.length >= 200, WAIT_MS, '200 messages');

      assert.equal(consumer.messages.length, 200);
      for (let k = 0; k < 10; k++) {
        const key = `pipeline-${k}`;
        const expected = all.filter((message) => message.key === key).map((message) => message.value);
        const seen = consumer.messages.filter((message) => message.key === key).map((message) => message.value);
        assert.deepEqual(seen, expected, `order of ${key}`);
      }
    });

    it('gives every message to each of two groups', async () => {
      const topic = env.topic('fanout');
      const first = await consume(topic, group('detector'));
      const second = await consume(topic, group('archiver'));
      const sent = Array.from({ length: 20 }, (_, i) => ({ key: `k${i % 4}`, value: `m${i}` }));
      await env.bus.publish(topic, sent);
      await waitFor(() => first.messages.length >= 20 && second.messages.length >= 20, WAIT_MS, 'both groups to read 20 messages');

      const expected = sent.map((message) => message.value).sort();
      assert.deepEqual(values(first.messages).sort(), expected);
      assert.deepEqual(values(second.messages).sort(), expected);
    });

    it('redelivers a message whose handler never acknowledged it to the next consumer of the group, but not the acknowledged ones', async () => {
      const topic = env.topic('ack');
      const groupName = group('ack');
      const release = new AbortController();
      const first = await consume(topic, groupName, async (message) => {
        if (message.value !== 'X') return;
        // Never acknowledges: gives the message back only once the test lets go.
        await Promise.race([aborted(release.signal), aborted(parked.signal)]);
        throw new RetryableError('consumer_stopping', 'handler gave up X');
      });
      // One key, so one partition and a fixed order: A and B are acknowledged before X blocks.
      await env.bus.publish(topic, ['A', 'B', 'X', 'Y'].map((value) => ({ key: 'run-7', value })));
      await waitFor(() => values(first.messages).includes('X'), WAIT_MS, 'the handler to hold X');

      const closing = first.close();
      release.abort();
      await within(closing, WAIT_MS, 'close() of a consumer whose handler gave up');
      assert.deepEqual([...new Set(values(first.messages))], ['A', 'B', 'X'], 'Y must wait behind the unacknowledged X');

      const second = await consume(topic, groupName);
      await waitFor(() => values(second.messages).includes('Y'), WAIT_MS, 'the next consumer to reach Y');
      const seen = values(second.messages);
      assert.equal(seen[0], 'X', 'X is delivered again, first');
      assert.ok(!seen.includes('A') && !seen.includes('B'), `acknowledged messages came back: ${seen.join(',')}`);
    });

    it('retries a handler that throws RetryableError twice, then moves on', async () => {
      const topic = env.topic('retry');
      let attempts = 0;
      const consumer = await consume(topic, group('retry'), async (message) => {
        if (message.value !== 'flaky') return;
        attempts += 1;
        if (attempts <= 2) throw new RetryableError('downstream_unavailable', `attempt ${attempts} failed`);
      });
      await env.bus.publish(topic, [
        { key: 'same', value: 'flaky' },
        { key: 'same', value: 'next' },
      ]);
      await waitFor(() => values(consumer.messages).includes('next'), WAIT_MS, 'the message after the flaky one');

      assert.equal(attempts, 3);
      assert.deepEqual(values(consumer.messages), ['flaky', 'flaky', 'flaky', 'next']);
    });

    it('dead-letters a message whose handler throws PermanentError, with the reason, and keeps going', async () => {
      const topic = env.topic('poison');
      const deadLetterTopic = env.topic('deadletter');
      const dead = await consume(deadLetterTopic, group('dlq-reader'));
      const consumer = await consume(
        topic,
        group('poison'),
        async (message) => {
          if (message.value === 'not json') throw new PermanentError('undecodable', 'value is not JSON: Unexpected token o');
        },
        deadLetterTopic,
      );
      await env.bus.publish(topic, [
        { key: 'p1', value: 'not json' },
        { key: 'p1', value: '{"ok":true}' },
      ]);
      await waitFor(() => dead.messages.length >= 1 && values(consumer.messages).includes('{"ok":true}'), WAIT_MS, 'dead letter and next message');

      const poison = consumer.messages.find((message) => message.value === 'not json');
      assert.ok(poison);
      assert.equal(consumer.messages.filter((message) => message.value === 'not json').length, 1, 'a permanent failure is not retried');
      assert.equal(dead.messages.length, 1);
      const [letter] = dead.messages;
      assert.ok(letter);
      assert.equal(letter.key, 'p1');
      assert.equal(letter.value, 'not json');
      assert.match(letter.headers[DEAD_LETTER_HEADERS.reason] ?? '', /value is not JSON: Unexpected token o/);
      assert.equal(letter.headers[DEAD_LETTER_HEADERS.topic], topic);
      assert.equal(letter.headers[DEAD_LETTER_HEADERS.offset], poison.offset);
    });

    it('close() waits for the handler in flight and commits its message', async () => {
      const topic = env.topic('drain');
      const groupName = group('drain');
      const order: string[] = [];
      let finish!: () => void;
      const gate = new Promise<void>((resolve) => {
        finish = resolve;
      });
      const first = await consume(topic, groupName, async (message) => {
        if (message.value !== 'slow') return;
        await Promise.race([gate, aborted(parked.signal)]);
        order.push('handler done');
      });
      await env.bus.publish(topic, [{ key: 'k', value: 'slow' }]);
      await waitFor(() => first.messages.length === 1, WAIT_MS, 'the slow handler to start');

      const closing = first.close().then(() => order.push('close resolved'));
      // Give a wrong close() the chance to return early before the handler is let go.
      await sleep(50);
      assert.deepEqual(order, [], 'close() returned while a handler was still running');
      finish();
      await within(closing, WAIT_MS, 'close() after the handler finished');
      assert.deepEqual(order, ['handler done', 'close resolved']);

      const second = await consume(topic, groupName);
      await env.bus.publish(topic, [{ key: 'k', value: 'marker' }]);
      await waitFor(() => values(second.messages).includes('marker'), WAIT_MS, 'the marker behind the committed message');
      assert.deepEqual(values(second.messages), ['marker'], 'the message finished during close() was delivered again');
    });

    describe('with a batch handler', () => {
      it('hands over what waits in a partition at once, keeping per-key order for 200 messages over 10 keys', async () => {
        const topic = env.topic('batch-order');
        const consumer = await consumeBatches(topic, group('batch-order'));
        const all: OutgoingMessage[] = Array.from({ length: 200 }, (_, i) => ({ key: `pipeline-${i % 10}`, value: String(i) }));
        await env.bus.publish(topic, all);
        await waitFor(() => consumer.handled.length >= 200, WAIT_MS, '200 messages');

        assert.equal(consumer.handled.length, 200);
        assert.ok(consumer.batches.some((batch) => batch.length > 1), `every batch held one message (${consumer.batches.length} batches)`);
        for (const batch of consumer.batches) assert.equal(new Set(batch.map((message) => message.partition)).size, 1, 'a batch mixed partitions');
        for (let k = 0; k < 10; k++) {
          const key = `pipeline-${k}`;
          const expected = all.filter((message) => message.key === key).map((message) => message.value);
          assert.deepEqual(values(consumer.handled.filter((message) => message.key === key)), expected, `order of ${key}`);
        }
      });

      it('dead-letters each message the handler rejects, with its reason, and counts the rest as handled', async () => {
        const topic = env.topic('batch-reject');
        const deadLetterTopic = env.topic('batch-deadletter');
        const dead = await consume(deadLetterTopic, group('dlq-reader'));
        const consumer = await consumeBatches(
          topic,
          group('batch-reject'),
          async (messages) => ({
            rejected: messages.filter((message) => message.value.startsWith('bad')).map((message) => ({ message, error: new PermanentError('invalid', `cannot use ${message.value}`) })),
          }),
          deadLetterTopic,
        );
        const sent = ['ok-1', 'bad-1', 'ok-2', 'bad-2', 'ok-3'].map((value) => ({ key: 'one-key', value }));
        await env.bus.publish(topic, sent);
        await waitFor(() => dead.messages.length >= 2 && consumer.handled.length >= 3, WAIT_MS, 'two dead letters and three handled messages');

        assert.deepEqual(values(consumer.handled), ['ok-1', 'ok-2', 'ok-3']);
        assert.deepEqual(values(dead.messages).sort(), ['bad-1', 'bad-2']);
        for (const letter of dead.messages) assert.equal(letter.headers[DEAD_LETTER_HEADERS.reason], `cannot use ${letter.value}`);
      });

      it('on a PermanentError for the whole batch, hands the messages over one at a time and dead-letters only the bad one', async () => {
        const topic = env.topic('batch-split');
        const deadLetterTopic = env.topic('batch-split-deadletter');
        const dead = await consume(deadLetterTopic, group('dlq-reader'));
        const consumer = await consumeBatches(
          topic,
          group('batch-split'),
          async (messages) => {
            if (messages.some((message) => message.value === 'poison')) throw new PermanentError('undecodable', 'somewhere in this batch is poison');
            return { rejected: [] };
          },
          deadLetterTopic,
        );
        await env.bus.publish(topic, ['a', 'poison', 'b'].map((value) => ({ key: 'one-key', value })));
        await waitFor(() => dead.messages.length >= 1 && values(consumer.handled).includes('b'), WAIT_MS, 'the dead letter and b');

        assert.deepEqual(values(dead.messages), ['poison']);
        assert.deepEqual(values(consumer.handled), ['a', 'b']);
      });

      it('delivers a batch whose handler failed again, from its first message, before anything after it', async () => {
        const topic = env.topic('batch-retry');
        let failures = 0;
        const consumer = await consumeBatches(topic, group('batch-retry'), async () => {
          if (failures++ < 2) throw new RetryableError('downstream_unavailable', `attempt ${failures} failed`);
          return { rejected: [] };
        });
        await env.bus.publish(topic, ['1', '2', '3'].map((value) => ({ key: 'one-key', value })));
        await waitFor(() => consumer.handled.length >= 3, WAIT_MS, 'the three messages');

        assert.ok(consumer.batches.length >= 3, 'the failed batch was not delivered again');
        for (const batch of consumer.batches.slice(0, 3)) assert.equal(batch[0]?.value, '1', 'a redelivery did not start at the failed batch');
        assert.deepEqual(values(consumer.handled), ['1', '2', '3']);
      });

      it('commits nothing of a batch whose handler never succeeded: the next consumer of the group gets all of it', async () => {
        const topic = env.topic('batch-uncommitted');
        const groupName = group('batch-uncommitted');
        const release = new AbortController();
        const first = await consumeBatches(topic, groupName, async () => {
          await Promise.race([aborted(release.signal), aborted(parked.signal)]);
          throw new RetryableError('consumer_stopping', 'handler gave up its batch');
        });
        await env.bus.publish(topic, ['A', 'B', 'C'].map((value) => ({ key: 'run-9', value })));
        await waitFor(() => first.batches.length >= 1, WAIT_MS, 'the handler to hold a batch');
        const closing = first.close();
        release.abort();
        await within(closing, WAIT_MS, 'close() of a consumer whose batch handler gave up');
        assert.deepEqual(first.handled, []);

        const second = await consumeBatches(topic, groupName);
        await waitFor(() => second.handled.length >= 3, WAIT_MS, 'the next consumer to get A, B and C');
        assert.deepEqual(values(second.handled), ['A', 'B', 'C']);
      });

      it('close() waits for the batch in flight and commits it', async () => {
        const topic = env.topic('batch-drain');
        const groupName = group('batch-drain');
        const order: string[] = [];
        let finish!: () => void;
        const gate = new Promise<void>((resolve) => {
          finish = resolve;
        });
        const first = await consumeBatches(topic, groupName, async (messages) => {
          if (messages.some((message) => message.value === 'slow')) {
            await Promise.race([gate, aborted(parked.signal)]);
            order.push('handler done');
          }
          return { rejected: [] };
        });
        await env.bus.publish(topic, [{ key: 'k', value: 'slow' }]);
        await waitFor(() => first.batches.length === 1, WAIT_MS, 'the slow batch to start');

        const closing = first.close().then(() => order.push('close resolved'));
        await sleep(50);
        assert.deepEqual(order, [], 'close() returned while a batch was still being handled');
        finish();
        await within(closing, WAIT_MS, 'close() after the batch finished');
        assert.deepEqual(order, ['handler done', 'close resolved']);

        const second = await consumeBatches(topic, groupName);
        await env.bus.publish(topic, [{ key: 'k', value: 'marker' }]);
        await waitFor(() => values(second.handled).includes('marker'), WAIT_MS, 'the marker behind the committed batch');
        assert.deepEqual(values(second.handled), ['marker'], 'the batch finished during close() was delivered again');
      });
    });

    describe('follow', () => {
      it('hands each of two followers every message published after it began, from every partition, and nothing from before', async () => {
        const topic = env.topic('follow');
        await env.bus.publish(topic, Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: `old${i}` })));
        const first: IncomingMessage[] = [];
        const second: IncomingMessage[] = [];
        const a = await env.bus.follow(topic, (message) => first.push(message));
        const b = await env.bus.follow(topic, (message) => second.push(message));
        open.add(a).add(b);
        const sent = Array.from({ length: 40 }, (_, i) => ({ key: `k${i % 8}`, value: `new${i}`, headers: { n: String(i) } }));
        await env.bus.publish(topic, sent);
        await waitFor(() => first.length >= 40 && second.length >= 40, WAIT_MS, 'both followers to see 40 messages');
        await sleep(200);
        const expected = sent.map((message) => message.value).sort();
        assert.deepEqual(values(first).sort(), expected, 'nothing from before follow() began, nothing twice');
        assert.deepEqual(values(second).sort(), expected);
        assert.ok(new Set(first.map((message) => message.partition)).size > 1, 'messages of several partitions');
        assert.equal(first.find((message) => message.value === 'new3')!.headers.n, '3');
        for (const key of ['k0', 'k5']) {
          const order = first.filter((message) => message.key === key).map((message) => Number(message.headers.n));
          assert.deepEqual(order, [...order].sort((x, y) => x - y), `per-key order of ${key}`);
        }
      });

      it('takes nothing from a consumer group: a group subscribing later still gets every message', async () => {
        const topic = env.topic('follow-group');
        const seen: IncomingMessage[] = [];
        const following = await env.bus.follow(topic, (message) => seen.push(message));
        open.add(following);
        await env.bus.publish(topic, [{ key: 'a', value: 'one' }, { key: 'b', value: 'two' }]);
        await waitFor(() => seen.length === 2, WAIT_MS, 'the follower to see both');
        const later = await consume(topic, group('late'));
        await waitFor(() => later.messages.length >= 2, WAIT_MS, 'the group to read both');
        assert.deepEqual(values(later.messages).sort(), ['one', 'two']);
      });

      it('hands nothing over once closed', async () => {
        const topic = env.topic('follow-close');
        const seen: IncomingMessage[] = [];
        const following = await env.bus.follow(topic, (message) => seen.push(message));
        await env.bus.publish(topic, [{ key: 'a', value: 'before' }]);
        await waitFor(() => seen.length === 1, WAIT_MS, 'the follower to see the first');
        await following.close();
        await env.bus.publish(topic, [{ key: 'a', value: 'after' }]);
        const watcher = await consume(topic, group('after-close'));
        await waitFor(() => watcher.messages.length >= 2, WAIT_MS, 'a group to read both');
        await sleep(200);
        assert.deepEqual(values(seen), ['before']);
      });
    });

    it('is ready while open and not after close()', async () => {
      assert.equal(env.bus.isReady(), true);
      await env.bus.close();
      assert.equal(env.bus.isReady(), false);
    });
  });
}
