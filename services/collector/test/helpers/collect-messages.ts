import type { Bus, IncomingMessage, Subscription, TopicNames } from '@pipewatch/shared';

export interface Collected {
  messages: IncomingMessage[];
  /** Resolves once a message with this event_id has been consumed. */
  waitForEvent(eventId: string, timeoutMs?: number): Promise<IncomingMessage>;
  eventIds(): string[];
  close(): Promise<void>;
}

/** Subscribes a fresh consumer group to `topics.runs` and keeps every message it reads. */
export function collectRuns(bus: Bus, topics: TopicNames): Promise<Collected> {
  return collectTopic(bus, topics.runs, topics.deadLetter);
}

/** Subscribes a fresh consumer group to `topics.logs`. */
export function collectLogs(bus: Bus, topics: TopicNames): Promise<Collected> {
  return collectTopic(bus, topics.logs, topics.deadLetter);
}

/** Keeps every message a fresh consumer group reads from `topic`; messages are identified by their `event_id`. */
export async function collectTopic(bus: Bus, topic: string, deadLetterTopic: string): Promise<Collected> {
  const messages: IncomingMessage[] = [];
  const listeners = new Set<() => void>();
  const subscription: Subscription = await bus.subscribe({
    topic,
    group: `test-reader-${Math.random().toString(36).slice(2)}`,
    deadLetterTopic,
    handler: async (message) => {
      messages.push(message);
      for (const listener of listeners) listener();
    },
  });
  const eventIdOf = (message: IncomingMessage): string => (JSON.parse(message.value) as { event_id: string }).event_id;
  return {
    messages,
    eventIds: () => messages.map(eventIdOf),
    waitForEvent(eventId, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const found = messages.find((message) => eventIdOf(message) === eventId);
          if (!found) return false;
          listeners.delete(onMessage);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const onMessage = (): void => void check();
        const timer = setTimeout(() => {
          listeners.delete(onMessage);
          reject(new Error(`event ${eventId} was not consumed within ${timeoutMs} ms`));
        }, timeoutMs);
        listeners.add(onMessage);
        check();
      });
    },
    close: () => subscription.close(),
  };
}
