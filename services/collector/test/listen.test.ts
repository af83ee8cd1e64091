import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { createInMemoryBus, createLogger, silentLogger, topicNames } from '@pipewatch/shared';
import { buildCollectorApp } from '../src/build-collector-app.js';
import { createEventDedupe } from '../src/ingest/event-dedupe.js';
import { listenCollector } from '../src/listen.js';

function buildApp(tokens: string[]) {
  return buildCollectorApp({
    bus: createInMemoryBus(),
    topics: topicNames(),
    logger: silentLogger(),
    tokens,
    maxBodyBytes: 1024,
    dedupe: createEventDedupe(10),
  });
}

describe('listenCollector', () => {
  it('binds to 127.0.0.1 when no tokens are configured, and warns that it is loopback-only', async () => {
    const stream = new PassThrough();
    const lines: string[] = [];
    stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
    const app = buildApp([]);
    const server = await listenCollector(app, { port: 0, tokens: [], logger: createLogger({ service: 'collector', stream }) });
    try {
      assert.match(server.address, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal((app.server.address() as AddressInfo).address, '127.0.0.1');
      assert.equal((await fetch(`${server.address}/healthz`)).status, 200);
      await new Promise((resolve) => setImmediate(resolve));
      const warn = lines.map((line) => JSON.parse(line) as { level: string; message: string }).find((entry) => entry.level === 'warn');
      assert.ok(warn, `a warn line was logged: ${lines.join('\n')}`);
      assert.match(warn.message, /PIPEWATCH_INGEST_TOKENS/);
      assert.match(warn.message, /loopback/);
    } finally {
      await server.close();
    }
  });

  it('binds to all interfaces when tokens are configured', async () => {
    const app = buildApp(['token']);
    const server = await listenCollector(app, { port: 0, tokens: ['token'], logger: silentLogger() });
    try {
      assert.equal((app.server.address() as AddressInfo).address, '0.0.0.0');
    } finally {
      await server.close();
    }
  });

  it('binds to an explicit host when one is given', async () => {
    const app = buildApp(['token']);
    const server = await listenCollector(app, { port: 0, host: '127.0.0.1', tokens: ['token'], logger: silentLogger() });
    try {
      assert.equal((app.server.address() as AddressInfo).address, '127.0.0.1');
    } finally {
      await server.close();
    }
  });
});
