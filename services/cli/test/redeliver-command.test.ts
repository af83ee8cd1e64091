import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FINDING_SCHEMA, silentLogger, type Finding } from '@pipewatch/shared';
import {
  buildDestinations,
  createFileDeadLetterStore,
  createFileNotificationLedger,
  createNotifier,
  createRouter,
  routesFromEnv,
  verifySignature,
} from '@pipewatch/alerter';
import { runCli } from './run-cli.js';

const SECRET = 'redeliver-test-secret-0123456789';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver on a chosen loopback port, so it can come back where it was. */
async function listenOn(port: number, received: Received[]): Promise<Server> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  return server;
}

const close = (server: Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

function finding(): Finding {
  return {
    schema: FINDING_SCHEMA,
    finding_id: 'f-redeliver-1',
    detected_at: '2026-11-01T00:00:00.000Z',
    rule: { id: 'access.egress.new_host', name: 'New egress destination', category: 'access' },
    severity: 'high',
    score: 0.8,
    pipeline: { id: 'github:octo/app:.github/workflows/ci.yml:build' },
    run: { id: 'r1' },
    event_ids: ['e1'],
    summary: 'Connected to pool.evil.example:3333.',
    evidence: { observed: { host: 'pool.evil.example', port: 3333 } },
  };
}

describe('pipewatch redeliver', function () {
  this.timeout(30_000);
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pipewatch-redeliver-'));
  });
  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('resends a dead-lettered notification once the receiver is back, exactly once', async () => {
    // A receiver that was up long enough to get a port, then went down.
    const probe = await listenOn(0, []);
    const port = (probe.address() as AddressInfo).port;
    await close(probe);
    const url = `http://127.0.0.1:${port}/hook`;

    // The alerter's notifier, as `pipewatch start` builds it, exhausts its budget against the dead receiver.
    const routes = routesFromEnv({ webhookUrl: url, webhookSecret: SECRET });
    const deadLetters = createFileDeadLetterStore({ path: join(dataDir, 'notifications.deadletter.ndjson') });
    const notifier = createNotifier({
      destinations: buildDestinations(routes, { timeoutMs: 1_000, retries: 1, minDelayMs: 10, maxDelayMs: 20 }),
      router: createRouter(routes),
      ledger: await createFileNotificationLedger({ path: join(dataDir, 'notifications.ndjson') }),
      deadLetters,
      send: { policy: 'loopback', links: {} },
      windowMs: 0,
      logger: silentLogger(),
    });
    await notifier.start();
    await notifier.accept(finding());
    const deadline = Date.now() + 10_000;
    while ((await deadLetters.outstanding()).length === 0) {
      assert.ok(Date.now() < deadline, 'the notification was dead-lettered');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await notifier.close();

    const env = {
      PIPEWATCH_DATA_DIR: dataDir,
      PIPEWATCH_WEBHOOK_URL: url,
      PIPEWATCH_WEBHOOK_SECRET: SECRET,
      PIPEWATCH_WEBHOOK_RETRIES: '0',
      PIPEWATCH_ALLOW_PRIVATE_DESTINATIONS: 'loopback',
      PIPEWATCH_LOG_LEVEL: 'error',
    };
    const stillDown = await runCli(['redeliver'], { env });
    assert.equal(stillDown.code, 1, stillDown.stderr);
    assert.match(stillDown.stdout, /^failed dl-[0-9a-f]+ to webhook \(1 findings\): .*unreachable/m);
    assert.match(stillDown.stdout, /redelivered 0, failed 1, skipped 0/);

    const received: Received[] = [];
    const back = await listenOn(port, received);
    try {
      const result = await runCli(['redeliver'], { env });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^delivered dl-[0-9a-f]+ to webhook \(1 findings\)$/m);
      assert.match(result.stdout, /redelivered 1, failed 0, skipped 0/);
      assert.equal(received.length, 1);
      assert.deepEqual(JSON.parse(received[0]!.body), finding());
      const request = received[0]!;
      assert.equal(
        verifySignature({
          secret: SECRET,
          timestamp: String(request.headers['x-pipewatch-timestamp']),
          body: request.body,
          signature: String(request.headers['x-pipewatch-signature']),
        }),
        true,
        'the resent request is signed with the current secret',
      );

      const again = await runCli(['redeliver'], { env });
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /redelivered 0, failed 0, skipped 0/);
      assert.equal(received.length, 1, 'a delivered record is not sent again');
    } finally {
      await close(back);
    }
  });

  it('refuses a dead letter whose destination is a private address, before connecting', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pipewatch-redeliver-private-'));
    try {
      await createFileDeadLetterStore({ path: join(dir, 'notifications.deadletter.ndjson') }).put({
        record_id: 'dl-0123456789abcdef',
        destination: 'webhook',
        notification_id: 'n1',
        findings: [finding()],
        failed_at: '2026-11-01T00:00:00.000Z',
        attempts: 7,
        error: { code: 'webhook_unavailable', message: 'answered 503' },
      });
      const started = Date.now();
      const result = await runCli(['redeliver'], {
        env: { PIPEWATCH_DATA_DIR: dir, PIPEWATCH_WEBHOOK_URL: 'http://10.0.0.1/hook', PIPEWATCH_WEBHOOK_RETRIES: '3', PIPEWATCH_LOG_LEVEL: 'error' },
      });
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stdout, /^failed dl-0123456789abcdef to webhook \(1 findings\): refused to send to 10\.0\.0\.1: 10\.0\.0\.1 is a private address/m);
      // A refusal is final: no retries, no connection attempt to wait for.
      assert.ok(Date.now() - started < 5_000);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
