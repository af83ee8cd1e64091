import { Agent, request as httpRequest } from 'node:http';
import { Writable } from 'node:stream';
import { createInMemoryBus, createLogger, topicNames, type Bus, type OutgoingMessage, type Subscription, type TopicNames } from '@pipewatch/shared';
import { buildCollectorApp, createEventDedupe } from '@pipewatch/collector';
import type { FastifyInstance } from 'fastify';
import type { FuzzLimits } from './case-specs.js';

/** The credentials the fuzzed collector is configured with. */
export const FUZZ_SECRETS = {
  token: 'fuzz-ingest-token-0123456789abcdef',
  githubSecret: 'fuzz-github-webhook-secret-0123',
  gitlabToken: 'fuzz-gitlab-webhook-token-0123',
} as const;

export interface FuzzRequest {
  url: string;
  headers: Record<string, string>;
  body: Buffer;
  /** Records the generator built as well-formed, as sent: the schema must take each of them. */
  validTexts?: string[];
  /** Records that are well-formed but for one prototype key (`__proto__`, `constructor`, `prototype`) at some level. */
  prototypeKeyTexts?: string[];
}

export interface FuzzResponse {
  status: number;
  contentType: string;
  body: string;
  elapsedMs: number;
}

export interface PublishedMessage extends OutgoingMessage {
  topic: string;
}

export interface FuzzTarget {
  topics: TopicNames;
  transport: 'inject' | 'http';
  send(request: FuzzRequest): Promise<FuzzResponse>;
  /** Messages handed to the bus since the last call. */
  takePublished(): PublishedMessage[];
  /** Everything published so far, and what an independent consumer group has read back. */
  totals(): { published: number; consumed: number };
  /** Log records the collector wrote (JSON lines). */
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

/**
 * The real collector app over the real in-memory bus, with every ingest route on
 * (tokens, GitHub secret, GitLab token). Publishes are recorded on their way into
 * the bus, so each request's effect is known the moment it is answered; a real
 * consumer group reads the topics back, and `totals()` lets a run check that the
 * bus holds exactly what was recorded.
 */
export async function startFuzzTarget(limits: FuzzLimits, transport: 'inject' | 'http'): Promise<FuzzTarget> {
  const inner = createInMemoryBus({ maxBacklog: 1_000_000 });
  const recorded: PublishedMessage[] = [];
  let publishedTotal = 0;
  const bus: Bus = {
    ...inner,
    async publish(topic, messages) {
      await inner.publish(topic, messages);
      publishedTotal += messages.length;
      for (const message of messages) recorded.push({ topic, ...message });
    },
  };
  const topics = topicNames(`fuzz-${Math.random().toString(36).slice(2, 8)}.`);
  const logs: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const app: FastifyInstance = buildCollectorApp({
    bus,
    topics,
    logger: createLogger({ service: 'collector', level: 'debug', stream }),
    tokens: [FUZZ_SECRETS.token],
    maxBodyBytes: limits.maxBodyBytes,
    dedupe: createEventDedupe(200_000),
    github: { secret: FUZZ_SECRETS.githubSecret },
    gitlab: { token: FUZZ_SECRETS.gitlabToken },
    knownSecretValues: ['fuzz-known-secret-value'],
    maxLogLines: limits.maxLogLines,
  });

  let consumed = 0;
  const readers: Subscription[] = await Promise.all(
    [topics.runs, topics.logs].map((topic) =>
      inner.subscribe({ topic, group: 'fuzz-reader', deadLetterTopic: topics.deadLetter, handler: async () => void consumed++ }),
    ),
  );

  let send: (request: FuzzRequest) => Promise<FuzzResponse>;
  let agent: Agent | undefined;
  if (transport === 'inject') {
    await app.ready();
    send = async (request) => {
      const started = performance.now();
      const response = await app.inject({ method: 'POST', url: request.url, headers: request.headers, payload: request.body });
      return { status: response.statusCode, contentType: String(response.headers['content-type'] ?? ''), body: response.body, elapsedMs: performance.now() - started };
    };
  } else {
    const address = new URL(await app.listen({ port: 0, host: '127.0.0.1' }));
    agent = new Agent({ keepAlive: true, maxSockets: 1 });
    send = (request) => postOverHttp(address, request, agent!);
  }
  return {
    topics,
    transport,
    send,
    takePublished: () => recorded.splice(0, recorded.length),
    totals: () => ({ published: publishedTotal, consumed }),
    logs,
    async close() {
      await Promise.all(readers.map((reader) => reader.close()));
      agent?.destroy();
      await app.close();
      await inner.close();
    },
  };
}

function postOverHttp(address: URL, request: FuzzRequest, agent: Agent): Promise<FuzzResponse> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { host: address.hostname, port: address.port, method: 'POST', path: request.url, agent, headers: { ...request.headers, 'content-length': String(request.body.length) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            contentType: String(response.headers['content-type'] ?? ''),
            body: Buffer.concat(chunks).toString('utf8'),
            elapsedMs: performance.now() - started,
          }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}
