import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PIPEWATCH_BIN, spawnPipewatch, type RunningChild } from '../helpers/spawn-pipewatch.js';
import { startCollectorUnderTest, type CollectorUnderTest } from './helpers/collector-under-test.js';
import { makeSelfSignedCert, type SelfSignedCert } from './helpers/self-signed-cert.js';

const EVENT = JSON.stringify({
  schema: 'pipewatch.run/v1',
  event_id: 'tls-event-1',
  source: 'generic',
  occurred_at: '2025-03-01T12:00:00Z',
  pipeline: { id: 'tls:pipeline' },
  run: { id: '1' },
});

interface Answer {
  status: number;
  body: string;
}

/** One POST with node's own clients, so the trust store is exactly what the test passes. */
function post(url: string, path: string, body: string, tls: Pick<RequestOptions, 'ca' | 'rejectUnauthorized'> = {}): Promise<Answer> {
  const target = new URL(path, url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = send(target, { method: 'POST', headers: { 'content-type': 'application/json' }, ...tls, timeout: 5_000 }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error('timed out')));
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** Runs `pipewatch start` expecting it to refuse its configuration; resolves to its exit code and stderr. */
async function startRefused(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [PIPEWATCH_BIN, 'start'], { env: { PATH: process.env.PATH ?? '', PORT: '0', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, stderr };
}

describe('the collector serves HTTPS with PIPEWATCH_TLS_CERT_FILE / PIPEWATCH_TLS_KEY_FILE', function () {
  this.timeout(60_000);
  let cert: SelfSignedCert;
  before(() => {
    cert = makeSelfSignedCert();
  });
  after(() => cert.remove());

  describe('buildCollectorApp({ tls })', () => {
    let collector: CollectorUnderTest;
    before(async () => {
      collector = await startCollectorUnderTest({ tls: { cert: cert.cert, key: cert.key } });
    });
    after(async () => collector.close());

    it('listens on an https:// address and answers a client that trusts the certificate with 202', async () => {
      assert.match(collector.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      const answer = await post(collector.url, '/v1/events', EVENT, { ca: cert.cert });
      assert.equal(answer.status, 202, answer.body);
      await collector.settle();
      assert.equal(collector.consumed.length, 1);
    });

    it('fails a client that does not trust the certificate (self-signed): nothing is sent', async () => {
      await assert.rejects(post(collector.url, '/v1/events', EVENT.replace('tls-event-1', 'tls-event-2')), /self[- ]signed|unable to verify|SELF_SIGNED/i);
      await collector.settle();
      assert.equal(collector.consumed.length, 1, 'only the trusted client\'s event');
    });

    it('fails a plain-HTTP client on the same port', async () => {
      const plain = collector.url.replace(/^https:/, 'http:');
      await assert.rejects(post(plain, '/v1/events', EVENT), /socket hang up|ECONNRESET|Parse Error|timed out|HPE_/i);
    });
  });

  describe('pipewatch start (child process)', () => {
    let dataDir: string;
    let pipewatch: RunningChild | undefined;
    before(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'pipewatch-tls-start-'));
    });
    after(async () => {
      await pipewatch?.stop('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    });

    it('serves HTTPS from the two files: 202 for a trusting client, refused in clear text, /healthz over TLS', async () => {
      pipewatch = await spawnPipewatch(['start'], { PIPEWATCH_DATA_DIR: dataDir, PIPEWATCH_TLS_CERT_FILE: cert.certFile, PIPEWATCH_TLS_KEY_FILE: cert.keyFile });
      assert.match(pipewatch.url, /^https:\/\//);
      assert.equal((await post(pipewatch.url, '/v1/events', EVENT, { ca: cert.cert })).status, 202);
      await assert.rejects(post(pipewatch.url.replace(/^https:/, 'http:'), '/v1/events', EVENT));
      const health = await new Promise<number>((resolve, reject) =>
        httpsRequest(new URL('/healthz', pipewatch!.url), { ca: cert.cert }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        })
          .on('error', reject)
          .end(),
      );
      assert.equal(health, 200);
      assert.ok(!JSON.stringify(pipewatch.logs).includes('PRIVATE KEY'), 'the key never reaches the logs');
    });

    it('refuses to start with only one of the two files set, naming the missing one', async () => {
      const { code, stderr } = await startRefused({ PIPEWATCH_DATA_DIR: dataDir, PIPEWATCH_TLS_CERT_FILE: cert.certFile });
      assert.equal(code, 1);
      assert.match(stderr, /PIPEWATCH_TLS_KEY_FILE: required when PIPEWATCH_TLS_CERT_FILE is set/);
    });

    it('refuses to start when a file cannot be read, naming the variable and never printing file content', async () => {
      const { code, stderr } = await startRefused({ PIPEWATCH_DATA_DIR: dataDir, PIPEWATCH_TLS_CERT_FILE: cert.certFile, PIPEWATCH_TLS_KEY_FILE: join(cert.dir, 'missing.pem') });
      assert.equal(code, 1);
      assert.match(stderr, /PIPEWATCH_TLS_KEY_FILE: cannot read .*missing\.pem \(ENOENT\)/);
      assert.ok(!stderr.includes('BEGIN'), stderr);
    });

    it('refuses to start when the key does not match the certificate', async () => {
      const other = makeSelfSignedCert();
      try {
        const { code, stderr } = await startRefused({ PIPEWATCH_DATA_DIR: dataDir, PIPEWATCH_TLS_CERT_FILE: cert.certFile, PIPEWATCH_TLS_KEY_FILE: other.keyFile });
        assert.equal(code, 1);
        assert.match(stderr, /PIPEWATCH_TLS_CERT_FILE, PIPEWATCH_TLS_KEY_FILE: not a usable certificate and key pair \(.*key values mismatch/i);
        assert.ok(!stderr.includes('BEGIN'), stderr);
      } finally {
        other.remove();
      }
    });
  });
});
