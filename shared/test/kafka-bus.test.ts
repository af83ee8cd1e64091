import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createKafkaBus, silentLogger, type Bus, type IncomingMessage, type KafkaBus } from '@pipewatch/shared';
import { kafkaBrokers } from '../../test/helpers/servers.js';
import { runBusContract } from './bus-contract.js';
import { waitFor } from './wait-for.js';

/** Creates each test topic (3 partitions) before first use, so no test depends on broker auto-creation. */
function withTopics(bus: KafkaBus): Bus {
  const created = new Set<string>();
  const ensure = async (topic: string): Promise<void> => {
    if (created.has(topic)) return;
    await bus.ensureTopics([{ name: topic, partitions: 3, replicationFactor: 1, config: {} }]);
    created.add(topic);
  };
  return {
    publish: async (topic, messages) => {
      await ensure(topic);
      return bus.publish(topic, messages);
    },
    subscribe: async (options) => {
      await ensure(options.topic);
      await ensure(options.deadLetterTopic);
      return bus.subscribe(options);
    },
    follow: async (topic, onMessage) => {
      await ensure(topic);
      return bus.follow(topic, onMessage);
    },
    isReady: () => bus.isReady(),
    close: () => bus.close(),
  };
}

async function connect(): Promise<KafkaBus> {
  return createKafkaBus({ brokers: await kafkaBrokers(), clientId: `pwtest-${randomUUID().slice(0, 8)}`, logger: silentLogger() });
}

describe('Kafka bus @integration', function () {
  this.timeout(180_000);
  before(async () => {
    await kafkaBrokers();
  });

  runBusContract('kafka', async () => {
    const kafka = await connect();
    const run = randomUUID().slice(0, 8);
    let closed = false;
    return {
      bus: withTopics(kafka),
      topic: (base) => `pwtest.${run}.${base}`,
      cleanup: async () => {
        if (closed) return;
        closed = true;
        await kafka.close().catch(() => undefined);
      },
    };
  });

  it('keys messages to Kafka partitions so one key always lands in one partition', async () => {
    const kafka = await connect();
    const topic = `pwtest.${randomUUID().slice(0, 8)}.keys`;
    await kafka.ensureTopics([{ name: topic, partitions: 6, replicationFactor: 1, config: {} }]);
    const seen: IncomingMessage[] = [];
    const subscription = await kafka.subscribe({ topic, group: `g-${randomUUID()}`, deadLetterTopic: `${topic}.dlq`, handler: async (m) => void seen.push(m) });
    await kafka.publish(topic, Array.from({ length: 60 }, (_, i) => ({ key: `pipeline-${i % 5}`, value: String(i) })));
    await waitFor(() => seen.length === 60, 60_000, 'all 60 messages');
    const partitionsByKey = new Map<string, Set<number>>();
    for (const message of seen) {
      const set = partitionsByKey.get(message.key) ?? new Set<number>();
      set.add(message.partition);
      partitionsByKey.set(message.key, set);
    }
    assert.equal(partitionsByKey.size, 5);
    for (const partitions of partitionsByKey.values()) assert.equal(partitions.size, 1);
    await subscription.close();
    await kafka.close();
  });

  it('fails only the publish the broker refuses among concurrent ones sharing its request; the others arrive in order', async () => {
    const kafka = await connect();
    const topic = `pwtest.${randomUUID().slice(0, 8)}.coalesce`;
    await kafka.ensureTopics([{ name: topic, partitions: 3, replicationFactor: 1, config: {} }]);
    const seen: IncomingMessage[] = [];
    const subscription = await kafka.subscribe({ topic, group: `g-${randomUUID()}`, deadLetterTopic: `${topic}.dlq`, handler: async (m) => void seen.push(m) });
    // Above the broker's default message.max.bytes (1 MB): refused for good, whoever shares its request.
    const tooLarge = 'x'.repeat(1_200_000);
    const outcomes = await Promise.allSettled([
      ...Array.from({ length: 20 }, (_, i) => kafka.publish(topic, [{ key: `k${i % 4}`, value: `small-${i}` }])),
      kafka.publish(topic, [{ key: 'k0', value: tooLarge }]),
    ]);
    const refused = outcomes.filter((outcome) => outcome.status === 'rejected') as PromiseRejectedResult[];
    assert.equal(refused.length, 1, JSON.stringify(refused.map((outcome) => String(outcome.reason))));
    assert.equal((refused[0]!.reason as { retryable?: boolean }).retryable, false);
    await waitFor(() => seen.length >= 20, 60_000, 'the 20 small messages');
    assert.deepEqual(seen.map((m) => m.value).sort(), Array.from({ length: 20 }, (_, i) => `small-${i}`).sort());
    for (let k = 0; k < 4; k++) {
      const order = seen.filter((m) => m.key === `k${k}`).map((m) => Number(m.value.slice('small-'.length)));
      assert.deepEqual(order, [...order].sort((a, b) => a - b), `publish order kept for key k${k}`);
    }
    await subscription.close();
    await kafka.close();
  });

  it('reads a compacted changelog to its end for chosen partitions only', async () => {
    const kafka = await connect();
    const topic = `pwtest.${randomUUID().slice(0, 8)}.changelog`;
    await kafka.ensureTopics([{ name: topic, partitions: 3, replicationFactor: 1, config: { 'cleanup.policy': 'compact' } }]);
    await kafka.publish(topic, Array.from({ length: 30 }, (_, i) => ({ key: `p${i % 10}`, value: `v${i}` })));
    const all: IncomingMessage[] = [];
    await kafka.readToEnd(topic, [0, 1, 2], (m) => all.push(m));
    assert.equal(all.length, 30);
    const some: IncomingMessage[] = [];
    await kafka.readToEnd(topic, [0], (m) => some.push(m));
    assert.ok(some.length > 0 && some.length < 30);
    assert.ok(some.every((m) => m.partition === 0));
    const latest = new Map(all.map((m) => [m.key, m.value]));
    assert.equal(latest.get('p3'), 'v23');
    await kafka.close();
  });
});
