import assert from 'node:assert/strict';
import {
  DEAD_LETTER_HEADERS,
  PermanentError,
  PipewatchError,
  RetryableError,
  createInMemoryBus,
  type Bus,
  type IncomingMessage,
  type SubscribeOptions,
} from '@pipewatch/shared';
import { runBusContract } from './bus-contract.js';
import { waitFor } from './wait-for.js';

runBusContract('in-memory', async () => {
  const bus = createInMemoryBus({ partitions: 4 });
  let next = 0;
  return {
    bus,
    topic: (base) => `test.${base}.${next++}`,
    cleanup: () => bus.close(),
  };
});

const WAIT_MS = 5_000;

function isBusFull(error: unknown): boolean {
  return error instanceof RetryableError && error.code === 'bus_full' && error.retryable;
}

function recorder(bus: Bus, options: Partial<SubscribeOptions> & Pick<SubscribeOptions, 'topic' | 'group'>) {
  const messages: IncomingMessage[] = [];
  const subscribed = bus.subscribe({
    deadLetterTopic: 'test.deadletter',
    retry: { retries: 5, minDelayMs: 5, maxDelayMs: 20 },
    handler: async (message) => {
      messages.push(message);
    },
    ...options,
  });
  return { messages, subscribed };
}

const batch = (count: number, prefix = 'm') => Array.from({ length: count }, (_, i) => ({ key: `k${i % 3}`, value: `${prefix}${i}` }));

describe('createInMemoryBus', () => {
  let bus: Bus;
  afterEach(async () => {
    await bus.close();
  });

  it('refuses a publish beyond maxBacklog with RetryableError bus_full, storing none of the batch', async () => {
    bus = createInMemoryBus({ maxBacklog: 5 });
    await bus.publish('t', batch(3));
    await assert.rejects(bus.publish('t', batch(3, 'over')), isBusFull);
    await bus.publish('t', batch(2, 'fits'));
    await assert.rejects(bus.publish('t', [{ key: 'k', value: 'one more' }]), isBusFull);

    const { messages } = recorder(bus, { topic: 't', group: 'g' });
    await waitFor(() => messages.length === 5, WAIT_MS, 'the 5 stored messages');
    assert.ok(!messages.some((message) => message.value.startsWith('over')), 'a refused batch was partly stored');
  });

  it('trims the backlog once every group has consumed it, so publishing succeeds again', async () => {
    bus = createInMemoryBus({ maxBacklog: 5 });
    const { messages, subscribed } = recorder(bus, { topic: 't', group: 'g' });
    await subscribed;
    await bus.publish('t', batch(5));
    await waitFor(() => messages.length === 5, WAIT_MS, 'the first 5 messages');
    // The commit follows the handler's resolution, so retry until the trim is visible.
    await waitFor(
      () => bus.publish('t', batch(5, 'again')).then(() => true, (error: unknown) => (isBusFull(error) ? false : Promise.reject(error))),
      WAIT_MS,
      'publish to succeed after consumption',
    );
    await waitFor(() => messages.length === 10, WAIT_MS, 'the second 5 messages');
  });

  it('keeps the backlog for the slowest group', async () => {
    bus = createInMemoryBus({ maxBacklog: 4 });
    const fast = recorder(bus, { topic: 't', group: 'fast' });
    await fast.subscribed;
    let releaseSlow!: () => void;
    const slowGate = new Promise<void>((resolve) => {
      releaseSlow = resolve;
    });
    const slow = recorder(bus, {
      topic: 't',
      group: 'slow',
      handler: async () => {
        await slowGate;
      },
    });
    await slow.subscribed;
    await bus.publish('t', batch(4));
    await waitFor(() => fast.messages.length === 4, WAIT_MS, 'the fast group');
    await assert.rejects(bus.publish('t', [{ key: 'k', value: 'x' }]), isBusFull);
    releaseSlow();
    await waitFor(
      () => bus.publish('t', [{ key: 'k', value: 'x' }]).then(() => true, () => false),
      WAIT_MS,
      'room once the slow group caught up',
    );
  });

  it('runs one consumer per group at a time', async () => {
    bus = createInMemoryBus();
    const first = await bus.subscribe({ topic: 't', group: 'g', deadLetterTopic: 'd', handler: async () => undefined });
    await assert.rejects(
      bus.subscribe({ topic: 't', group: 'g', deadLetterTopic: 'd', handler: async () => undefined }),
      (error: unknown) => error instanceof PermanentError && error.code === 'group_busy',
    );
    await first.close();
    const again = await bus.subscribe({ topic: 't', group: 'g', deadLetterTopic: 'd', handler: async () => undefined });
    await again.close();
  });

  it('frees the group when onAssign fails, so the consumer can subscribe again', async () => {
    bus = createInMemoryBus();
    const failing = bus.subscribe({
      topic: 't',
      group: 'g',
      deadLetterTopic: 'd',
      handler: async () => undefined,
      onAssign: async () => {
        throw new RetryableError('state_unavailable', 'could not load baselines');
      },
    });
    await assert.rejects(failing, (error: unknown) => error instanceof PipewatchError && error.code === 'state_unavailable');
    const { messages, subscribed } = recorder(bus, { topic: 't', group: 'g' });
    await subscribed;
    await bus.publish('t', [{ key: 'k', value: 'after retry' }]);
    await waitFor(() => messages.length === 1, WAIT_MS, 'delivery to the second attempt');
  });

  it('holds a poison message until the full dead-letter topic has room, instead of losing it', async () => {
    bus = createInMemoryBus({ maxBacklog: 2 });
    // No group reads the dead-letter topic yet, so these two fill it up.
    await bus.publish('dlq', batch(2, 'old'));
    const main = recorder(bus, {
      topic: 't',
      group: 'g',
      deadLetterTopic: 'dlq',
      handler: async (message) => {
        main.messages.push(message);
        if (message.value === 'poison') throw new PermanentError('bad_input', 'poison pill');
      },
    });
    await main.subscribed;
    await bus.publish('t', [
      { key: 'k', value: 'poison' },
      { key: 'k', value: 'after' },
    ]);
    await waitFor(() => main.messages.length >= 1, WAIT_MS, 'the poison message');

    const reader = recorder(bus, { topic: 'dlq', group: 'reader' });
    await reader.subscribed;
    await waitFor(() => reader.messages.some((message) => message.value === 'poison'), WAIT_MS, 'the dead letter');
    await waitFor(() => main.messages.some((message) => message.value === 'after'), WAIT_MS, 'the message after the poison');
    const letter = reader.messages.find((message) => message.value === 'poison');
    assert.equal(letter?.headers[DEAD_LETTER_HEADERS.reason], 'poison pill');
    assert.equal(main.messages.filter((message) => message.value === 'poison').length, 1);
  });

  it('refuses publishes after close()', async () => {
    bus = createInMemoryBus();
    await bus.close();
    await assert.rejects(
      bus.publish('t', [{ key: 'k', value: 'late' }]),
      (error: unknown) => error instanceof RetryableError && error.code === 'bus_closed',
    );
  });
});
