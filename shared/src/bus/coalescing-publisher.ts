import { RetryableError } from '../errors.js';
import type { OutgoingMessage } from './bus-port.js';

/** One produce request: messages grouped by topic, in the order they were published. */
export type TopicBatch = { topic: string; messages: OutgoingMessage[] }[];

export interface CoalescingPublisherOptions {
  /** Sends one request and resolves when the broker acknowledged all of it. */
  send: (batch: TopicBatch) => Promise<void>;
  /** How long an idle publisher waits for company before sending; 0 waits only for the current tick. */
  lingerMs: number;
  /** A request is cut before it would exceed these (one caller's messages are never split). */
  maxBatchMessages: number;
  maxBatchChars: number;
  /** A caller waiting longer is rejected as retryable (a 503 at the collector). */
  timeoutMs: number;
  /** True when a failed request should be sent again caller by caller, so one bad publish fails alone. */
  isolate: (error: unknown) => boolean;
}

export interface CoalescingPublisher {
  publish(topic: string, messages: OutgoingMessage[]): Promise<void>;
  /** Resolves once nothing is queued or in flight (each caller is bounded by `timeoutMs`). */
  drain(): Promise<void>;
}

interface Waiting {
  topic: string;
  messages: OutgoingMessage[];
  chars: number;
  /** Still in the queue: a timeout takes it out, so it is never sent after its caller was told 503. */
  queued: boolean;
  settled: boolean;
  resolve: () => void;
  reject: (error: unknown) => void;
  timer: NodeJS.Timeout;
}

function charsOf(messages: readonly OutgoingMessage[]): number {
  let chars = 0;
  for (const message of messages) {
    chars += message.key.length + (message.bytes ? message.bytes.byteLength : message.value.length);
    if (message.headers) for (const name in message.headers) chars += name.length + message.headers[name]!.length;
  }
  return chars;
}

function settle(entry: Waiting, error?: unknown): void {
  if (entry.settled) return;
  entry.settled = true;
  clearTimeout(entry.timer);
  if (error === undefined) entry.resolve();
  else entry.reject(error);
}

function toBatch(entries: readonly Waiting[]): TopicBatch {
  const byTopic = new Map<string, OutgoingMessage[]>();
  for (const entry of entries) {
    const list = byTopic.get(entry.topic);
    if (list) for (const message of entry.messages) list.push(message);
    else byTopic.set(entry.topic, [...entry.messages]);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

/**
 * Concurrent publishes share one produce request: the idempotent producer sends one
 * request at a time anyway, and per-request work (encoding, the broker lock, the
 * round trip with acks=all) is most of a publish's cost. While a request is in
 * flight, new publishes queue; when it is acknowledged, the queue goes out as the
 * next one. Each caller resolves only when the request holding its messages was
 * acknowledged, and queue order is send order, so per-key order holds.
 */
export function createCoalescingPublisher(options: CoalescingPublisherOptions): CoalescingPublisher {
  let queue: Waiting[] = [];
  let queuedMessages = 0;
  let queuedChars = 0;
  let sending: Promise<void> | undefined;
  let lingering: NodeJS.Timeout | NodeJS.Immediate | undefined;

  function take(): Waiting[] {
    const round: Waiting[] = [];
    let messages = 0;
    let chars = 0;
    while (queue.length > 0) {
      const next = queue[0]!;
      const full = messages + next.messages.length > options.maxBatchMessages || chars + next.chars > options.maxBatchChars;
      if (round.length > 0 && full) break;
      queue.shift();
      next.queued = false;
      messages += next.messages.length;
      chars += next.chars;
      queuedMessages -= next.messages.length;
      queuedChars -= next.chars;
      round.push(next);
    }
    return round;
  }

  async function sendRound(round: Waiting[]): Promise<void> {
    try {
      await options.send(toBatch(round));
      for (const entry of round) settle(entry);
    } catch (error) {
      if (round.length === 1 || !options.isolate(error)) {
        for (const entry of round) settle(entry, error);
        return;
      }
      // One caller's bad messages (too large, say) must not fail the others sharing its request.
      for (const entry of round) {
        if (entry.settled) continue;
        await options.send(toBatch([entry])).then(
          () => settle(entry),
          (alone: unknown) => settle(entry, alone),
        );
      }
    }
  }

  function cancelLinger(): void {
    if (lingering === undefined) return;
    clearTimeout(lingering as NodeJS.Timeout);
    clearImmediate(lingering as NodeJS.Immediate);
    lingering = undefined;
  }

  function startFlush(): void {
    cancelLinger();
    if (sending || queue.length === 0) return;
    sending = (async () => {
      while (queue.length > 0) await sendRound(take());
    })().finally(() => {
      sending = undefined;
      startFlush();
    });
  }

  function schedule(): void {
    if (sending) return;
    if (queuedMessages >= options.maxBatchMessages || queuedChars >= options.maxBatchChars) return startFlush();
    lingering ??= options.lingerMs > 0 ? setTimeout(startFlush, options.lingerMs) : setImmediate(startFlush);
  }

  return {
    publish(topic, messages) {
      return new Promise<void>((resolve, reject) => {
        const entry: Waiting = {
          topic,
          messages,
          chars: charsOf(messages),
          queued: true,
          settled: false,
          resolve,
          reject,
          timer: setTimeout(() => {
            if (entry.queued) {
              queue = queue.filter((other) => other !== entry);
              entry.queued = false;
              queuedMessages -= entry.messages.length;
              queuedChars -= entry.chars;
            }
            settle(entry, new RetryableError('publish_timeout', `Kafka did not acknowledge within ${options.timeoutMs} ms`));
          }, options.timeoutMs),
        };
        queue.push(entry);
        queuedMessages += messages.length;
        queuedChars += entry.chars;
        schedule();
      });
    },
    async drain() {
      startFlush();
      while (sending) await sending;
    },
  };
}
