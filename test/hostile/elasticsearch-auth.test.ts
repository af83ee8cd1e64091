import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PIPEWATCH_BIN } from '../helpers/spawn-pipewatch.js';
import { elasticsearchUrl } from '../helpers/servers.js';
import { startRecordingProxy, type RecordingProxy } from './helpers/recording-proxy.js';
import { makeSelfSignedCert, type SelfSignedCert } from './helpers/self-signed-cert.js';

/** Runs one pipewatch command to completion. */
async function pipewatch(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [PIPEWATCH_BIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/**
 * The local Elasticsearch runs without security, so it would accept anything: the
 * credentials are checked where they travel, by a recording proxy in front of it.
 * Both Elasticsearch clients are exercised: the SDK (`setup` installs the index
 * template through the findings sink) and the REST client (`suppress` writes and
 * reads the suppressions index).
 */
describe('Elasticsearch credentials and TLS options reach the wire @integration', function () {
  this.timeout(180_000);
  let esUrl: string;
  let dataDir: string;
  let cert: SelfSignedCert;
  const proxies: RecordingProxy[] = [];
  const prefix = `pwauth-${randomUUID().slice(0, 8)}-findings`;

  before(async function () {
    this.timeout(150_000);
    esUrl = await elasticsearchUrl();
    dataDir = await mkdtemp(join(tmpdir(), 'pipewatch-es-auth-'));
    cert = makeSelfSignedCert();
  });
  after(async () => {
    await Promise.all(proxies.map((proxy) => proxy.close()));
    await rm(dataDir, { recursive: true, force: true });
    cert.remove();
  });

  const proxy = async (tls?: SelfSignedCert): Promise<RecordingProxy> => {
    const started = await startRecordingProxy(esUrl, tls ? { cert: tls.cert, key: tls.key } : undefined);
    proxies.push(started);
    return started;
  };
  const both = (env: Record<string, string>) => [
    pipewatch(['setup'], env),
    pipewatch(['suppress', 'add', '--pipeline', 'auth:*', '--rule', 'access.*', '--until', '1d', '--reason', 'auth test', '--author', 'hostile'], env),
  ];

  it('ELASTICSEARCH_API_KEY is sent as "Authorization: ApiKey <key>" on every request of both clients', async () => {
    const recorder = await proxy();
    const apiKey = Buffer.from(`id-${randomUUID()}:key-${randomUUID()}`).toString('base64');
    const env = { ELASTICSEARCH_URL: recorder.url, ELASTICSEARCH_API_KEY: apiKey, PIPEWATCH_ES_INDEX_PREFIX: prefix, PIPEWATCH_DATA_DIR: dataDir };
    for (const run of both(env)) {
      const { code, stderr } = await run;
      assert.equal(code, 0, stderr);
      assert.ok(!stderr.includes(apiKey), 'the API key in the output');
    }
    assert.ok(recorder.requests.some((request) => request.url.startsWith('/_index_template')), 'the SDK installed the template through the proxy');
    assert.ok(recorder.requests.some((request) => request.url.includes('suppressions')), 'the REST client wrote the suppression through the proxy');
    for (const request of recorder.requests) assert.equal(request.headers.authorization, `ApiKey ${apiKey}`, `${request.method} ${request.url}`);
  });

  it('ELASTICSEARCH_USERNAME + ELASTICSEARCH_PASSWORD are sent as Basic auth on every request of both clients', async () => {
    const recorder = await proxy();
    const password = `pw-${randomUUID()}`;
    const env = { ELASTICSEARCH_URL: recorder.url, ELASTICSEARCH_USERNAME: 'pipewatch', ELASTICSEARCH_PASSWORD: password, PIPEWATCH_ES_INDEX_PREFIX: prefix, PIPEWATCH_DATA_DIR: dataDir };
    for (const run of both(env)) {
      const { code, stderr } = await run;
      assert.equal(code, 0, stderr);
      assert.ok(!stderr.includes(password));
    }
    const expected = `Basic ${Buffer.from(`pipewatch:${password}`).toString('base64')}`;
    assert.ok(recorder.requests.length >= 3);
    for (const request of recorder.requests) assert.equal(request.headers.authorization, expected, `${request.method} ${request.url}`);
  });

  it('without credentials no Authorization header is sent', async () => {
    const recorder = await proxy();
    const { code, stderr } = await pipewatch(['setup'], { ELASTICSEARCH_URL: recorder.url, PIPEWATCH_ES_INDEX_PREFIX: prefix });
    assert.equal(code, 0, stderr);
    assert.ok(recorder.requests.length > 0 && recorder.requests.every((request) => request.headers.authorization === undefined));
  });

  it('over HTTPS: trusts ELASTICSEARCH_CA_FILE, refuses an unknown certificate, and ELASTICSEARCH_TLS_REJECT_UNAUTHORIZED=false skips the check', async () => {
    const tls = await proxy(cert);
    const base = { ELASTICSEARCH_URL: tls.url, PIPEWATCH_ES_INDEX_PREFIX: prefix, PIPEWATCH_DATA_DIR: dataDir };
    for (const run of both({ ...base, ELASTICSEARCH_CA_FILE: cert.certFile })) {
      const { code, stderr } = await run;
      assert.equal(code, 0, stderr);
    }
    const served = tls.requests.length;
    assert.ok(served >= 3, 'both clients went through the TLS proxy');

    const untrusted = await pipewatch(['suppress', 'list'], base);
    assert.notEqual(untrusted.code, 0);
    assert.match(untrusted.stderr, /self[- ]signed|unable to verify|certificate/i);
    assert.equal(tls.requests.length, served, 'nothing was sent over the untrusted connection');

    const unchecked = await pipewatch(['suppress', 'list'], { ...base, ELASTICSEARCH_TLS_REJECT_UNAUTHORIZED: 'false' });
    assert.equal(unchecked.code, 0, unchecked.stderr);
    assert.match(unchecked.stdout, /auth test/);
  });

  it('a missing ELASTICSEARCH_CA_FILE fails at start, naming the variable', async () => {
    const { code, stderr } = await pipewatch(['setup'], { ELASTICSEARCH_URL: 'https://127.0.0.1:9', ELASTICSEARCH_CA_FILE: join(dataDir, 'nope.pem') });
    assert.equal(code, 1);
    assert.match(stderr, /ELASTICSEARCH_CA_FILE: cannot read .*nope\.pem \(ENOENT\)/);
  });
});
