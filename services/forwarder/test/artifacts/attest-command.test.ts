import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRecordingCollector, type RecordingCollector } from '../helpers/recording-collector.js';
import { ecKeyPair, keyedMessageBundle, type KeyPair } from './make-signatures.js';

const RUNNER = fileURLToPath(new URL('./attest-cli.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The command in its own process, in `cwd`, with no CI variables and a spool of its own. */
function attest(cwd: string, args: string[]): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, RUNNER, 'attest', ...args], { cwd, env: { PATH: process.env.PATH ?? '', PIPEWATCH_SPOOL_DIR: join(cwd, '.spool') }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('pipewatch attest (the CLI command, in a child process)', () => {
  let dir: string;
  let key: KeyPair;
  let collector: RecordingCollector;
  const good = Buffer.from('good release\n');
  const bad = Buffer.from('tampered release\n');

  before(() => {
    key = ecKeyPair();
  });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pipewatch-attest-'));
    collector = await startRecordingCollector();
    await writeFile(join(dir, 'release.pub.pem'), key.publicPem);
    await writeFile(join(dir, 'good.tgz'), good);
    await writeFile(join(dir, 'good.tgz.sigstore.json'), JSON.stringify(keyedMessageBundle(good, key.privateKey, 'release')));
    await writeFile(join(dir, 'bad.tgz'), bad);
    await writeFile(join(dir, 'bad.tgz.sigstore.json'), JSON.stringify(keyedMessageBundle(good, key.privateKey, 'release')));
  });
  afterEach(async () => {
    await collector.close();
    await rm(dir, { recursive: true, force: true });
  });

  const lines = (stdout: string) => stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);

  it('prints one JSON line per artifact and exits 0 without --fail-unverified', async () => {
    const result = await attest(dir, ['*.tgz', '--public-key', 'release=release.pub.pem', '--offline']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(lines(result.stdout).map(({ name, signed, signature_verified, signer }) => ({ name, signed, signature_verified, signer })), [
      { name: 'bad.tgz', signed: true, signature_verified: false, signer: undefined },
      { name: 'good.tgz', signed: true, signature_verified: true, signer: 'release' },
    ]);
    assert.match(result.stderr, /bad\.tgz\.sigstore\.json: signature verification failed/);
  });

  it('--fail-unverified exits 1 when a signature did not verify, 0 when all did', async () => {
    assert.equal((await attest(dir, ['*.tgz', '--public-key', 'release=release.pub.pem', '--offline', '--fail-unverified'])).code, 1);
    // Without --offline too: a keyed bundle with no log entry never needs the Sigstore trust root.
    assert.equal((await attest(dir, ['good.tgz', '--public-key', 'release.pub.pem', '--fail-unverified'])).code, 0);
  });

  it('with a collector, posts one run event carrying artifacts[] to /v1/events', async () => {
    const result = await attest(dir, ['*.tgz', '--public-key', 'release=release.pub.pem', '--offline', '--collector', collector.url, '--pipeline', 'acme/app', '--run', '42', '--timeout-ms', '2000', '--retries', '0']);
    assert.equal(result.code, 0, result.stderr);
    const events = collector.bodiesFor('/v1/events');
    assert.equal(events.length, 1, result.stderr);
    const event = events[0]!;
    assert.equal(event.schema, 'pipewatch.run/v1');
    assert.deepEqual(event.pipeline, { id: 'acme/app' });
    assert.equal((event.run as { id: string }).id, '42');
    assert.deepEqual(event.artifacts, lines(result.stdout));
    assert.equal((event.attributes as { step: string }).step, 'attest');
  });

  it('a collector but no pipeline or run is a usage error (2), and so is an unreadable key', async () => {
    assert.equal((await attest(dir, ['*.tgz', '--collector', collector.url])).code, 2);
    assert.equal((await attest(dir, ['*.tgz', '--public-key', 'k=missing.pem'])).code, 2);
    assert.equal(collector.requests.length, 0);
  });
});
