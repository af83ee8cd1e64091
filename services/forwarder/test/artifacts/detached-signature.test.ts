import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectArtifacts, signatureCandidates, type TrustConfig } from '../../src/artifacts/index.js';
import { ecKeyPair, keyedMessageBundle, run } from './make-signatures.js';

/** Keys and signatures come from the real openssl CLI, as a release script would make them. */
describe('collectArtifacts with detached .sig files (openssl)', () => {
  let dir: string;
  const openssl = (...args: string[]) => run('openssl', args, { cwd: dir });
  const pem = (name: string) => readFile(join(dir, name), 'utf8');

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pipewatch-sig-'));
    await writeFile(join(dir, 'app.tgz'), Buffer.alloc(2 * 1024 * 1024 + 3, 0x5a));
    await openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'key.pem');
    await openssl('pkey', '-in', 'key.pem', '-pubout', '-out', 'key.pub.pem');
    await openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'other.pem');
    await openssl('pkey', '-in', 'other.pem', '-pubout', '-out', 'other.pub.pem');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const trusting = async (...names: string[]): Promise<TrustConfig> => ({
    publicKeys: await Promise.all(names.map(async (name) => ({ name, pem: await pem(`${name}.pub.pem`) }))),
    sigstore: false,
  });

  it('a raw DER ECDSA signature from `openssl dgst -sha256 -sign` verifies with the matching key, not with another', async () => {
    await openssl('dgst', '-sha256', '-sign', 'key.pem', '-out', 'app.tgz.sig', 'app.tgz');
    const good = await collectArtifacts(['app.tgz'], { cwd: dir, trust: await trusting('key') });
    assert.deepEqual(good.errors, []);
    assert.deepEqual(good.artifacts.map(({ signed, signature_verified, signer }) => ({ signed, signature_verified, signer })), [{ signed: true, signature_verified: true, signer: 'key' }]);

    const wrong = await collectArtifacts(['app.tgz'], { cwd: dir, trust: await trusting('other') });
    assert.deepEqual(wrong.artifacts.map(({ signed, signature_verified, signer }) => ({ signed, signature_verified, signer })), [{ signed: true, signature_verified: false, signer: undefined }]);
    assert.deepEqual(wrong.errors, [{ path: 'app.tgz.sig', error: 'no trusted key verifies the signature' }]);
  });

  it('the base64 form cosign sign-blob writes verifies too', async () => {
    await openssl('dgst', '-sha256', '-sign', 'key.pem', '-out', 'raw.sig', 'app.tgz');
    await openssl('base64', '-A', '-in', 'raw.sig', '-out', 'app.tgz.sig');
    assert.equal(signatureCandidates(await readFile(join(dir, 'app.tgz.sig'))).length, 2);
    const { artifacts } = await collectArtifacts(['app.tgz'], { cwd: dir, trust: await trusting('other', 'key') });
    assert.equal(artifacts[0]!.signer, 'key');
  });

  it('a signature over other content does not verify', async () => {
    await openssl('dgst', '-sha256', '-sign', 'key.pem', '-out', 'app.tgz.sig', 'key.pub.pem');
    const { artifacts } = await collectArtifacts(['app.tgz'], { cwd: dir, trust: await trusting('key') });
    assert.equal(artifacts[0]!.signature_verified, false);
  });

  it('RSA (PKCS#1 v1.5) and Ed25519 signatures verify', async () => {
    await openssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'rsa.pem');
    await openssl('pkey', '-in', 'rsa.pem', '-pubout', '-out', 'rsa.pub.pem');
    await openssl('dgst', '-sha256', '-sign', 'rsa.pem', '-out', 'app.tgz.sig', 'app.tgz');
    assert.equal((await collectArtifacts(['app.tgz'], { cwd: dir, trust: await trusting('key', 'rsa') })).artifacts[0]!.signer, 'rsa');

    await openssl('genpkey', '-algorithm', 'ED25519', '-out', 'ed.pem');
    await openssl('pkey', '-in', 'ed.pem', '-pubout', '-out', 'ed.pub.pem');
    await openssl('pkeyutl', '-sign', '-rawin', '-inkey', 'ed.pem', '-in', 'app.tgz', '-out', 'app.tgz.sig');
    assert.equal((await collectArtifacts(['app.tgz'], { cwd: dir, trust: await trusting('rsa', 'ed') })).artifacts[0]!.signer, 'ed');
    // EdDSA needs the whole message: past the in-memory bound it cannot be checked, and says so.
    const { artifacts, errors } = await collectArtifacts(['app.tgz'], { cwd: dir, trust: await trusting('ed'), maxInMemoryBytes: 1024 });
    assert.deepEqual([artifacts[0]!.signed, artifacts[0]!.signature_verified], [true, undefined]);
    assert.match(errors[0]!.error, /Ed25519/);
  });

  it('a key that does not parse is reported and not trusted; with no key left the signature is unchecked', async () => {
    await openssl('dgst', '-sha256', '-sign', 'key.pem', '-out', 'app.tgz.sig', 'app.tgz');
    const { artifacts, errors } = await collectArtifacts(['app.tgz'], { cwd: dir, trust: { publicKeys: [{ name: 'broken', pem: 'not a pem' }], sigstore: false } });
    assert.deepEqual([artifacts[0]!.signed, artifacts[0]!.signature_verified], [true, undefined]);
    assert.equal(errors[0]!.error.startsWith('public key does not parse'), true);
    assert.match(errors[1]!.error, /no trusted public key/);
  });

  it('every signature beside a file must verify: a good .sig does not excuse a forged bundle', async () => {
    await openssl('dgst', '-sha256', '-sign', 'key.pem', '-out', 'app.tgz.sig', 'app.tgz');
    const forger = ecKeyPair();
    await writeFile(join(dir, 'app.tgz.sigstore.json'), JSON.stringify(keyedMessageBundle(await readFile(join(dir, 'app.tgz')), forger.privateKey, 'key')));
    const { artifacts, errors } = await collectArtifacts(['app.tgz'], { cwd: dir, trust: await trusting('key') });
    assert.deepEqual([artifacts[0]!.signed, artifacts[0]!.signature_verified], [true, false]);
    assert.deepEqual(errors.map((error) => 'path' in error && error.path), ['app.tgz.sigstore.json']);
  });
});
