import { PermanentError, RetryableError } from '../errors.js';
import { DEFAULT_MAX_BATCH_SIZE, chooseHandler, type Bus, type IncomingMessage, type OutgoingMessage, type SubscribeOptions, type Subscription } from './bus-port.js';
import { deliver, deliverBatch, type DeliveryContext } from './deliver.js';
import { partitionForKey } from './partition-for-key.js';

export interface InMemoryBusOptions {
  partitions?: number;
  /** Unconsumed messages a topic may hold before publish answers "retry later" (backpressure). */
  maxBacklog?: number;
}

interface StoredMessage {
  key: string;
  value: string;
  bytes?: Uint8Array;
  headers: Record<string, string>;
}

/** A partition's log; `base` is the offset of `entries[0]` once consumed entries are trimmed. */
interface PartitionLog {
  base: number;
  entries: StoredMessage[];
  waiters: Set<() => void>;
}

interface TopicState {
  partitions: PartitionLog[];
  /** Committed next offset per partition, per consumer group. */
  groups: Map<string, number[]>;
  activeGroups: Set<string>;
  /** Followers see each message as it is published; they hold nothing back from trimming. */
  followers: Set<(message: IncomingMessage) => void>;
}

/**
 * The embedded default's bus: a Kafka-shaped log in memory. Keys map to partitions,
 * each group commits offsets per partition after its handler resolves, and a
 * consumer that stops before acknowledging leaves the message for the next one.
 * Messages live as long as some group still has to read them.
 */
export function createInMemoryBus(options: InMemoryBusOptions = {}): Bus {
  const partitionCount = options.partitions ?? 8;
  const maxBacklog = options.maxBacklog ?? 100_000;
  const topics = new Map<string, TopicState>();
  const subscriptions = new Set<Subscription>();
  let closed = false;

  function topicState(topic: string): TopicState {
    let state = topics.get(topic);
    if (!state) {
      state = {
        partitions: Array.from({ length: partitionCount }, () => ({ base: 0, entries: [], waiters: new Set() })),
        groups: new Map(),
        activeGroups: new Set(),
        followers: new Set(),
      };
      topics.set(topic, state);
    }
    return state;
  }

  function backlog(state: TopicState): number {
    return state.partitions.reduce((sum, log) => sum + log.entries.length, 0);
  }

  /** Drops entries every group has committed; with no group yet, keeps them for the first one. */
  function trim(state: TopicState, partition: number): void {
    if (state.groups.size === 0) return;
    const log = state.partitions[partition]!;
    const lowest = Math.min(...[...state.groups.values()].map((offsets) => offsets[partition]!));
    const drop = lowest - log.base;
    if (drop > 0) {
      log.entries.splice(0, drop);
      log.base = lowest;
    }
  }

  async function publish(topic: string, messages: OutgoingMessage[]): Promise<void> {
    if (closed) throw new RetryableError('bus_closed', 'the in-memory bus is closed');
    const state = topicState(topic);
    if (backlog(state) + messages.length > maxBacklog) {
      throw new RetryableError('bus_full', `topic ${topic} holds ${backlog(state)} unconsumed messages (limit ${maxBacklog})`);
    }
    const touched = new Set<number>();
    for (const message of messages) {
      const partition = partitionForKey(message.key, partitionCount);
      const log = state.partitions[partition]!;
      const stored: StoredMessage = { key: message.key, ...storedValue(message), headers: { ...message.headers } };
      log.entries.push(stored);
      touched.add(partition);
      if (state.followers.size > 0) {
        const copy = { topic, partition, offset: String(log.base + log.entries.length - 1), ...stored, headers: { ...stored.headers } };
        // Like a Kafka consumer's fetch: after the publish resolved, never inside it.
        for (const follower of state.followers) setImmediate(follower, copy);
      }
    }
    for (const partition of touched) {
      for (const wake of state.partitions[partition]!.waiters) wake();
    }
  }

  async function subscribe(subscribeOptions: SubscribeOptions): Promise<Subscription> {
    const chosen = chooseHandler(subscribeOptions);
    const { topic, group } = subscribeOptions;
    const state = topicState(topic);
    if (state.activeGroups.has(group)) {
      throw new PermanentError('group_busy', `the in-memory bus runs one consumer per group; ${group} already consumes ${topic}`);
    }
    state.activeGroups.add(group);
    if (!state.groups.has(group)) state.groups.set(group, state.partitions.map((log) => log.base));
    const committed = state.groups.get(group)!;
    const abort = new AbortController();
    const all = state.partitions.map((_, index) => index);
    try {
      await subscribeOptions.onAssign?.(all);
    } catch (error) {
      // No consumer started: free the group, or every later subscribe would be refused.
      state.activeGroups.delete(group);
      throw error;
    }

    const delivery: DeliveryContext = {
      group,
      deadLetterTopic: subscribeOptions.deadLetterTopic,
      ...(subscribeOptions.retry ? { retry: subscribeOptions.retry } : {}),
      publish,
      signal: abort.signal,
    };
    const incoming = (partition: number, offset: number, stored: StoredMessage): IncomingMessage => ({
      topic,
      partition,
      offset: String(offset),
      ...stored,
      headers: { ...stored.headers },
    });

    const pump = async (partition: number): Promise<void> => {
      const log = state.partitions[partition]!;
      while (!abort.signal.aborted) {
        const position = committed[partition]!;
        const stored = log.entries[position - log.base];
        if (!stored) {
          await new Promise<void>((resolve) => {
            const wake = (): void => {
              log.waiters.delete(wake);
              abort.signal.removeEventListener('abort', wake);
              resolve();
            };
            log.waiters.add(wake);
            abort.signal.addEventListener('abort', wake);
          });
          continue;
        }
        if ('batchHandler' in chosen) {
          // Everything waiting in the partition, up to the batch limit, in one call.
          const limit = subscribeOptions.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE;
          const batch: IncomingMessage[] = [];
          for (let at = position; batch.length < limit && at - log.base < log.entries.length; at++) batch.push(incoming(partition, at, log.entries[at - log.base]!));
          const settled = await deliverBatch(batch, chosen.batchHandler, delivery);
          committed[partition] = position + settled;
          trim(state, partition);
          if (settled < batch.length) return;
          continue;
        }
        const outcome = await deliver(incoming(partition, position, stored), chosen.handler, delivery);
        if (outcome === 'aborted') return;
        committed[partition] = position + 1;
        trim(state, partition);
      }
    };

    const running = Promise.all(all.map((partition) => pump(partition)));
    const subscription: Subscription = {
      async close() {
        abort.abort();
        await running;
        state.activeGroups.delete(group);
        subscriptions.delete(subscription);
      },
    };
    subscriptions.add(subscription);
    return subscription;
  }

  async function follow(topic: string, onMessage: (message: IncomingMessage) => void): Promise<Subscription> {
    const state = topicState(topic);
    let following = true;
    const follower = (message: IncomingMessage): void => {
      if (following) onMessage(message);
    };
    state.followers.add(follower);
    const subscription: Subscription = {
      async close() {
        following = false;
        state.followers.delete(follower);
        subscriptions.delete(subscription);
      },
    };
    subscriptions.add(subscription);
    return subscription;
  }

  return {
    publish,
    subscribe,
    follow,
    isReady: () => !closed,
    async close() {
      await Promise.all([...subscriptions].map((subscription) => subscription.close()));
      closed = true;
    },
  };
}

/** Bytes are kept as published (a copy) and also offered as text, as Kafka consumers see them. */
function storedValue(message: OutgoingMessage): Pick<StoredMessage, 'value' | 'bytes'> {
  if (!message.bytes) return { value: message.value };
  const bytes = Uint8Array.from(message.bytes);
  return { value: Buffer.from(bytes).toString('utf8'), bytes };
}
