import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { createLogger, silentLogger, type Logger, type LoggerOptions } from '@pipewatch/shared';
import { waitFor } from './wait-for.js';

type Line = Record<string, unknown>;

/** A logger writing into memory, and the JSON lines it wrote so far. */
function capture(options: Omit<LoggerOptions, 'stream'>): { logger: Logger; lines: () => Line[] } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  const lines = (): Line[] =>
    text
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as Line);
  return { logger: createLogger({ ...options, stream }), lines };
}

async function written(lines: () => Line[], count: number): Promise<Line[]> {
  await waitFor(() => lines().length >= count, 2_000, `${count} log lines`);
  return lines();
}

const GITHUB_TOKEN = `ghp_${'R8x2Kq9ZpL4mW7vB3nT6yH1cF5dJ0sAeGuQi'}`;

describe('createLogger', () => {
  it('writes one JSON object per line with level, message, service and timestamp', async () => {
    const { logger, lines } = capture({ service: 'collector' });
    logger.info('listening', { port: 8080 });
    logger.warn('no ingest tokens configured');
    const [first, second] = await written(lines, 2);
    assert.equal(first?.level, 'info');
    assert.equal(first?.message, 'listening');
    assert.equal(first?.service, 'collector');
    assert.equal(first?.port, 8080);
    assert.ok(!Number.isNaN(Date.parse(String(first?.timestamp))));
    assert.equal(second?.level, 'warn');
  });

  it('drops records below the configured level', async () => {
    const { logger, lines } = capture({ service: 'detector', level: 'warn' });
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    // The stream keeps order: once the last record is there, any earlier one would be too.
    await written(lines, 2);
    assert.deepEqual(
      lines().map((line) => line.message),
      ['w', 'e'],
    );
  });

  it('masks fields named like secrets, at the top level and nested', async () => {
    const { logger, lines } = capture({ service: 'collector' });
    logger.info('request', {
      token: 'tok-ci-7f3a9c',
      authorization: 'Basic b2N0bzpodW50ZXIy',
      webhook_secret: 'whsec-plain-words',
      request: { headers: { Authorization: 'Bearer abc', 'x-request-id': 'req-1' } },
    });
    const [line] = await written(lines, 1);
    assert.equal(line?.token, '[REDACTED]');
    assert.equal(line?.authorization, '[REDACTED]');
    assert.equal(line?.webhook_secret, '[REDACTED]');
    assert.deepEqual(line?.request, { headers: { Authorization: '[REDACTED]', 'x-request-id': 'req-1' } });
    const raw = JSON.stringify(lines());
    for (const secret of ['tok-ci-7f3a9c', 'b2N0bzpodW50ZXIy', 'whsec-plain-words']) assert.ok(!raw.includes(secret), secret);
  });

  it('masks a GitHub token inside the message and inside nested fields', async () => {
    const { logger, lines } = capture({ service: 'forwarder' });
    logger.error(`git push failed for https://x-access-token:${GITHUB_TOKEN}@github.com/octo/app`, {
      step: { name: 'push', env: [`GH_TOKEN_VALUE ${GITHUB_TOKEN}`] },
    });
    const [line] = await written(lines, 1);
    assert.ok(!JSON.stringify(line).includes(GITHUB_TOKEN.slice(4)), 'the token leaked');
    assert.match(String(line?.message), /^git push failed for https:\/\/x-access-token:\[REDACTED\]@github\.com\/octo\/app$/);
    assert.deepEqual(line?.step, { name: 'push', env: ['GH_TOKEN_VALUE [REDACTED]'] });
  });

  it('masks secret-named fields however deeply they are nested', async () => {
    const { logger, lines } = capture({ service: 'alerter' });
    let deep: Record<string, unknown> = { password: 'p4ss-deep-down', note: 'visible?' };
    for (let i = 0; i < 10; i++) deep = { level: deep };
    logger.info('deep', { deep });
    const [line] = await written(lines, 1);
    assert.ok(!JSON.stringify(line).includes('p4ss-deep-down'));
  });

  it('logs an Error field with its name and message, secrets masked', async () => {
    const { logger, lines } = capture({ service: 'alerter' });
    logger.error('webhook delivery failed', { error: new TypeError(`fetch failed: bad header ${GITHUB_TOKEN}`), attempt: 3 });
    const [line] = await written(lines, 1);
    assert.deepEqual(line?.error, { name: 'TypeError', message: 'fetch failed: bad header [REDACTED]' });
    assert.equal(line?.attempt, 3);
  });

  it('writes Date and URL fields as their JSON form, URL credentials masked', async () => {
    const { logger, lines } = capture({ service: 'collector' });
    logger.info('fetched', { since: new Date('2024-05-14T09:42:17Z'), from: new URL('https://bot:s3cr3tPassw0rd@git.example.com/app.git') });
    const [line] = await written(lines, 1);
    assert.equal(line?.since, '2024-05-14T09:42:17.000Z');
    assert.equal(line?.from, 'https://bot:[REDACTED]@git.example.com/app.git');
  });

  it('carries child fields on every record of the child', async () => {
    const { logger, lines } = capture({ service: 'detector' });
    logger.child({ partition: 3 }).info('assigned');
    const [line] = await written(lines, 1);
    assert.equal(line?.partition, 3);
    assert.equal(line?.service, 'detector');
  });
});

describe('silentLogger', () => {
  it('accepts every call, children included, without throwing', () => {
    const logger = silentLogger();
    logger.error('x', { token: 'y' });
    logger.child({ a: 1 }).info('z');
    assert.equal(logger.child({}), logger);
  });
});
