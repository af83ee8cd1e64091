import { createInMemoryBus, silentLogger, topicNames, type Bus, type InMemoryBusOptions, type Logger, type TopicNames } from '@pipewatch/shared';
import type { FastifyInstance } from 'fastify';
import { buildCollectorApp } from '../../src/build-collector-app.js';
import { createEventDedupe } from '../../src/ingest/event-dedupe.js';

export interface HarnessOptions {
  tokens?: string[];
  maxBodyBytes?: number;
  bus?: InMemoryBusOptions;
  logger?: Logger;
  github?: { secret: string };
  gitlab?: { token: string };
  knownSecretValues?: string[];
  maxLogLines?: number;
}

export interface Harness {
  url: string;
  app: FastifyInstance;
  bus: Bus;
  topics: TopicNames;
  post(path: string, body: string, contentType?: string, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

/** The real app on a real in-memory bus, listening on an ephemeral loopback port. */
export async function startCollector(options: HarnessOptions = {}): Promise<Harness> {
  const bus = createInMemoryBus(options.bus);
  const topics = topicNames(`test-${Math.random().toString(36).slice(2)}.`);
  const app = buildCollectorApp({
    bus,
    topics,
    logger: options.logger ?? silentLogger(),
    ...(options.tokens ? { tokens: options.tokens } : {}),
    maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
    dedupe: createEventDedupe(1000),
    ...(options.github ? { github: options.github } : {}),
    ...(options.gitlab ? { gitlab: options.gitlab } : {}),
    ...(options.knownSecretValues ? { knownSecretValues: options.knownSecretValues } : {}),
    ...(options.maxLogLines ? { maxLogLines: options.maxLogLines } : {}),
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    app,
    bus,
    topics,
    post: (path, body, contentType = 'application/json', headers = {}) =>
      fetch(`${url}${path}`, { method: 'POST', body, headers: { 'content-type': contentType, ...headers } }),
    async close() {
      await app.close();
      await bus.close();
    },
  };
}
