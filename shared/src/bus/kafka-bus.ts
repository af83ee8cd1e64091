import { randomUUID } from 'node:crypto';
import {
  CompressionTypes,
  Kafka,
  Partitioners,
  logLevel,
  type Consumer,
  type IHeaders,
  type KafkaConfig,
  type KafkaMessage,
  type LogEntry,
  type Producer,
} from 'kafkajs';
import { PermanentError, RetryableError, errorMessage } from '../errors.js';
import type { Logger } from '../logging/create-logger.js';
import { DEFAULT_MAX_BATCH_SIZE, chooseHandler, type Bus, type IncomingMessage, type OutgoingMessage, type SubscribeOptions, type Subscription } from './bus-port.js';
import type { ChangelogReader, TopicSpec } from './changelog-reader.js';
import { createCoalescingPublisher, type TopicBatch } from './coalescing-publisher.js';
import { deliver, deliverBatch, type DeliveryContext } from './deliver.js';

export interface KafkaBusOptions {
  brokers: string[];
  clientId: string;
  logger: Logger;
  /** Created at connect when missing. */
  topics?: TopicSpec[];
  /** A publish that takes longer fails as retryable, so the collector can answer 503 instead of hanging. */
  publishTimeoutMs?: number;
  /** How long an idle producer waits for other publishes to share its request; default 2 ms. */
  publishLingerMs?: number;
  /** Partitions of one subscription processed at once (per-key order holds within a partition). */
  partitionConcurrency?: number;
  ssl?: KafkaConfig['ssl'];
  sasl?: KafkaConfig['sasl'];
}

export type KafkaBus = Bus & ChangelogReader & { ensureTopics(specs: TopicSpec[]): Promise<void> };

/**
 * The Kafka adapter of the bus port: the only file that imports kafkajs.
 * Idempotent producer with acks=all; consumers commit an offset only after the
 * handler (and so the downstream write) succeeded.
 */
export async function createKafkaBus(options: KafkaBusOptions): Promise<KafkaBus> {
  const logger = options.logger.child({ component: 'kafka' });
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    ...(options.ssl !== undefined ? { ssl: options.ssl } : {}),
    ...(options.sasl !== undefined ? { sasl: options.sasl } : {}),
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    retry: { initialRetryTime: 200, maxRetryTime: 5_000, retries: 8 },
    logLevel: logLevel.WARN,
    logCreator: () => (entry: LogEntry) => forwardLog(logger, entry),
  });
  // Retries stay bounded (a publish must fail within its timeout, and a stopping service
  // must not keep a send alive). kafkajs warns that bounded retries can break idempotence:
  // a request that exhausted them may have been written, and the next request would then
  // reuse its sequence numbers and be dropped by the broker as a duplicate. So after a
  // failed request the producer is replaced, and the new one gets a new producer id.
  const newProducer = (): Producer => {
    const created = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    created.on(created.events.CONNECT, () => {
      if (created === producer) producerConnected = true;
    });
    created.on(created.events.DISCONNECT, () => {
      if (created === producer) producerConnected = false;
    });
    return created;
  };
  let producerConnected = false;
  let producer: Producer = newProducer();
  await producer.connect();
  producerConnected = true;
  let producerSuspect = false;
  let brokerReachable = true;
  const stopProbe = await probeReachability(kafka, (reachable) => (brokerReachable = reachable));

  const publishTimeoutMs = options.publishTimeoutMs ?? 10_000;
  const subscriptions = new Set<Subscription>();
  let closed = false;

  async function ensureTopics(specs: TopicSpec[]): Promise<void> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const missing = specs.filter((spec) => !existing.has(spec.name));
      if (missing.length === 0) return;
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((spec) => ({
          topic: spec.name,
          numPartitions: spec.partitions,
          replicationFactor: spec.replicationFactor,
          configEntries: Object.entries(spec.config).map(([name, value]) => ({ name, value })),
        })),
      });
      logger.info('kafka topics created', { topics: missing.map((spec) => spec.name) });
    } finally {
      await admin.disconnect();
    }
  }
  if (options.topics?.length) await ensureTopics(options.topics);

  async function sendBatch(batch: TopicBatch): Promise<void> {
    if (producerSuspect) {
      const previous = producer;
      // Readiness stays with the reachability probe meanwhile: marking the bus unready here
      // could stop the very publishes that retry the connect.
      producer = newProducer();
      producerSuspect = false;
      await previous.disconnect().catch(() => undefined);
      try {
        await producer.connect();
      } catch (error) {
        producerSuspect = true;
        throw error;
      }
    }
    try {
      await producer.sendBatch({
        acks: -1,
        // Measured on the collector's load (bench/README.md): gzip raised events/s by 10-35 % but not
        // events per CPU-second, and adds inflation to every consumer; on few cores, none.
        compression: CompressionTypes.None,
        topicMessages: batch.map(({ topic, messages }) => ({
          topic,
          messages: messages.map((message) => ({ key: message.key, value: message.bytes ? Buffer.from(message.bytes.buffer, message.bytes.byteOffset, message.bytes.byteLength) : message.value, headers: message.headers ?? {} })),
        })),
      });
    } catch (error) {
      producerSuspect = true;
      throw error;
    }
  }

  const coalescer = createCoalescingPublisher({
    send: sendBatch,
    lingerMs: options.publishLingerMs ?? 2,
    maxBatchMessages: 10_000,
    // About the broker's default 1 MB per partition's record batch: spread over the partitions it is
    // far below; a request refused as too large is sent again caller by caller (isolate).
    maxBatchChars: 1024 * 1024,
    timeoutMs: publishTimeoutMs,
    isolate: (error) => !isRetriable(error),
  });

  async function publish(topic: string, messages: OutgoingMessage[]): Promise<void> {
    if (closed) throw new RetryableError('bus_closed', 'the Kafka bus is closed');
    if (messages.length === 0) return;
    try {
      await coalescer.publish(topic, messages);
    } catch (error) {
      if (error instanceof RetryableError) throw error;
      throw isRetriable(error)
        ? new RetryableError('kafka_unavailable', `Kafka publish to ${topic} failed: ${errorMessage(error)}`, error)
        : new PermanentError('kafka_rejected', `Kafka rejected the publish to ${topic}: ${errorMessage(error)}`, error);
    }
  }

  async function subscribe(subscribeOptions: SubscribeOptions): Promise<Subscription> {
    const chosen = chooseHandler(subscribeOptions);
    const consumer = kafka.consumer({
      groupId: subscribeOptions.group,
      sessionTimeout: 10_000,
      rebalanceTimeout: 20_000,
      heartbeatInterval: 1_000,
      maxWaitTimeInMs: 100,
      retry: { retries: 10, restartOnFailure: async () => !closed },
    });
    const abort = new AbortController();
    const delivery: DeliveryContext = {
      group: subscribeOptions.group,
      deadLetterTopic: subscribeOptions.deadLetterTopic,
      ...(subscribeOptions.retry ? { retry: subscribeOptions.retry } : {}),
      publish,
      signal: abort.signal,
    };
    // Messages wait until the partitions' state (e.g. baselines) is restored after each assignment.
    let assigned: Promise<void> = Promise.resolve();
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      const partitions = event.payload.memberAssignment[subscribeOptions.topic] ?? [];
      assigned = subscribeOptions.onAssign ? subscribeOptions.onAssign([...partitions].sort((a, b) => a - b)) : Promise.resolve();
      assigned.catch((error: unknown) => logger.error('partition assignment handler failed', { error: errorMessage(error) }));
    });
    await consumer.connect();
    await consumer.subscribe({ topic: subscribeOptions.topic, fromBeginning: true });
    await consumer.run({
      // Only offsets we resolve (after the handler succeeded) are ever committed. kafkajs'
      // own auto-commit is used because it still commits while the consumer is stopping,
      // where an explicit commitOffsets() call is silently skipped.
      autoCommit: true,
      autoCommitInterval: 1_000,
      autoCommitThreshold: 200,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: options.partitionConcurrency ?? 4,
      eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }) => {
        await assigned;
        const stopped = (): boolean => !isRunning() || isStale() || abort.signal.aborted;
        if ('batchHandler' in chosen) {
          // What was fetched from the partition, in chunks of at most maxBatchSize; each
          // chunk's offsets are resolved only once its handler (its writes) succeeded.
          const limit = subscribeOptions.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE;
          for (let start = 0; start < batch.messages.length && !stopped(); start += limit) {
            const chunk = batch.messages.slice(start, start + limit);
            const settled = await deliverBatch(chunk.map((raw) => toIncoming(batch.topic, batch.partition, raw)), chosen.batchHandler, delivery);
            if (settled > 0) resolveOffset(chunk[settled - 1]!.offset);
            await commitOffsetsIfNecessary();
            if (settled < chunk.length) break;
            await heartbeat();
          }
          return;
        }
        for (const raw of batch.messages) {
          if (stopped()) break;
          const outcome = await deliver(toIncoming(batch.topic, batch.partition, raw), chosen.handler, delivery);
          if (outcome === 'aborted') break;
          resolveOffset(raw.offset);
          await commitOffsetsIfNecessary();
          await heartbeat();
        }
      },
    });
    const subscription: Subscription = {
      async close() {
        abort.abort();
        // disconnect waits for the batch in flight, which commits what it finished.
        await consumer.disconnect();
        subscriptions.delete(subscription);
      },
    };
    subscriptions.add(subscription);
    return subscription;
  }

  async function follow(topic: string, onMessage: (message: IncomingMessage) => void): Promise<Subscription> {
    // Start at each partition's current end. A partition unknown now (no topic yet) is read
    // from its start, since all of it is newer than this call.
    const admin = kafka.admin();
    await admin.connect();
    const ends = await admin
      .fetchTopicOffsets(topic)
      .catch(() => [] as { partition: number; high: string }[])
      .finally(() => admin.disconnect());
    const groupId = `pipewatch-follow-${randomUUID()}`;
    const consumer: Consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100, sessionTimeout: 10_000, heartbeatInterval: 1_000, retry: { retries: 10, restartOnFailure: async () => !closed } });
    let following = true;
    // Where to go on from, per partition: the end at this call, then past the last message
    // handed over. Re-seeking on every join matters: the group commits nothing, so after a
    // rebalance kafkajs would start the partition over from its beginning.
    const next = new Map(ends.map(({ partition, high }) => [partition, BigInt(high)]));
    consumer.on(consumer.events.GROUP_JOIN, () => {
      for (const [partition, offset] of next) consumer.seek({ topic, partition, offset: String(offset) });
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    // run() resolves once the group is joined (and the seeks above are set).
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const raw of batch.messages) {
          next.set(batch.partition, BigInt(raw.offset) + 1n);
          if (following) onMessage(toIncoming(topic, batch.partition, raw));
        }
      },
    });
    const subscription: Subscription = {
      async close() {
        following = false;
        subscriptions.delete(subscription);
        await consumer.disconnect();
        // The group never committed, so nothing is left behind; deleting it is tidiness only.
        const cleanup = kafka.admin();
        await cleanup.connect().then(() => cleanup.deleteGroups([groupId])).catch(() => undefined);
        await cleanup.disconnect().catch(() => undefined);
      },
    };
    subscriptions.add(subscription);
    return subscription;
  }

  async function readToEnd(topic: string, partitions: readonly number[], onMessage: (message: IncomingMessage) => void): Promise<void> {
    if (partitions.length === 0) return;
    const admin = kafka.admin();
    await admin.connect();
    let ends: Map<number, bigint>;
    try {
      const offsets = await admin.fetchTopicOffsets(topic);
      ends = new Map(offsets.filter((o) => partitions.includes(o.partition)).map((o) => [o.partition, BigInt(o.high)]));
      const lows = new Map(offsets.map((o) => [o.partition, BigInt(o.low)]));
      for (const [partition, high] of ends) if (high <= (lows.get(partition) ?? 0n)) ends.delete(partition);
    } finally {
      await admin.disconnect();
    }
    if (ends.size === 0) return;
    await readWithThrowawayGroup(kafka, topic, ends, onMessage);
  }

  return {
    publish,
    subscribe,
    follow,
    readToEnd,
    ensureTopics,
    isReady: () => producerConnected && brokerReachable && !closed,
    async close() {
      await Promise.all([...subscriptions].map((subscription) => subscription.close()));
      closed = true;
      // Publishes already handed in (each bounded by its timeout) go out before the producer stops.
      await coalescer.drain();
      await stopProbe();
      await producer.disconnect();
    },
  };
}

/**
 * kafkajs' producer notices nothing when the brokers go away between sends (no
 * DISCONNECT event), so readiness asks for cluster metadata every few seconds: one
 * small request at a time. kafkajs retries a refused connection for ~20 s whatever
 * the admin's own retry setting, so a probe unanswered after `timeoutMs` counts as
 * unreachable; it still reports reachable the moment it gets through.
 */
async function probeReachability(kafka: Kafka, report: (reachable: boolean) => void, everyMs = 2_000, timeoutMs = 3_000): Promise<() => Promise<void>> {
  const admin = kafka.admin();
  await admin.connect();
  let probing: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (probing) return;
    const late = setTimeout(() => report(false), timeoutMs).unref();
    probing = admin
      .describeCluster()
      .then(() => report(true), () => report(false))
      .finally(() => {
        clearTimeout(late);
        probing = undefined;
      });
  }, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    // Not awaiting a probe in flight: with the brokers gone it would hold shutdown for ~20 s.
    await admin.disconnect();
  };
}

/**
 * kafkajs has no manual partition assignment, so a changelog is read by a
 * consumer in a fresh, single-member group that stops once every wanted
 * partition reached the end offset captured before it started.
 */
async function readWithThrowawayGroup(
  kafka: Kafka,
  topic: string,
  ends: Map<number, bigint>,
  onMessage: (message: IncomingMessage) => void,
): Promise<void> {
  const groupId = `pipewatch-restore-${randomUUID()}`;
  const consumer: Consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
  const remaining = new Set(ends.keys());
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const end = ends.get(batch.partition);
        if (end === undefined) return;
        for (const raw of batch.messages) {
          if (BigInt(raw.offset) >= end) break;
          onMessage(toIncoming(topic, batch.partition, raw));
        }
        // lastOffset() counts offsets compaction removed, so a gap at the end still finishes.
        if (BigInt(batch.lastOffset()) + 1n >= end) {
          remaining.delete(batch.partition);
          if (remaining.size === 0) finish();
        }
      },
    });
    await done;
  } finally {
    await consumer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}

/**
 * kafkajs wraps a retriable failure it gave up on (a broker down for longer than its
 * retries) in a non-retriable error, whose cause chain ends at what really went
 * wrong: that decides between "try again later" and "this message can never go".
 */
function isRetriable(error: unknown): boolean {
  return (rootCause(error) as { retriable?: boolean }).retriable !== false;
}

function rootCause(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 10; depth++) {
    const cause = (current as { cause?: unknown } | null)?.cause;
    if (cause === undefined || cause === null || cause === current) break;
    current = cause;
  }
  return current;
}

function toIncoming(topic: string, partition: number, raw: KafkaMessage): IncomingMessage {
  return {
    topic,
    partition,
    offset: raw.offset,
    key: raw.key?.toString('utf8') ?? '',
    value: raw.value?.toString('utf8') ?? '',
    ...(raw.value ? { bytes: raw.value } : {}),
    headers: decodeHeaders(raw.headers),
  };
}

function decodeHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name] = first.toString();
  }
  return out;
}

/** Answered in the producer's setup (a suspect producer is replaced), so not worth a warning per producer. */
const BOUNDED_RETRIES_WARNING = 'Limiting retries for the idempotent producer may invalidate EoS guarantees';

function forwardLog(logger: Logger, entry: LogEntry): void {
  const { message, ...fields } = entry.log;
  if (message === BOUNDED_RETRIES_WARNING) return;
  if (entry.level <= logLevel.ERROR) logger.error(`kafkajs: ${message}`, fields);
  else if (entry.level === logLevel.WARN) logger.warn(`kafkajs: ${message}`, fields);
}
