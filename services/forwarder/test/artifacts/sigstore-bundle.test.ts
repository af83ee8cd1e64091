import assert from 'node:assert/strict';
import { createHash, createPrivateKey } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMPTY_TRUSTED_ROOT, collectArtifacts, verifySigstoreBundle, type TrustConfig } from '../../src/artifacts/index.js';
import { certificateMessageBundle, ecKeyPair, keyedDsseBundle, keyedMessageBundle, run, type KeyPair } from './make-signatures.js';

// sigstore: false keeps every test offline: no TUF fetch can happen, whatever the bundle.
describe('collectArtifacts with Sigstore bundles (offline, keyed)', () => {
  let dir: string;
  let release: KeyPair;
  let stranger: KeyPair;
  const artifact = Buffer.from('the release tarball, byte for byte\n');
  let trust: TrustConfig;

  before(() => {
    release = ecKeyPair();
    stranger = ecKeyPair();
    trust = { publicKeys: [{ name: 'release-2026', pem: release.publicPem }], sigstore: false };
  });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pipewatch-bundles-'));
    await writeFile(join(dir, 'app.tgz'), artifact);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const writeBundle = (bundle: object, suffix = '.sigstore.json') => writeFile(join(dir, `app.tgz${suffix}`), JSON.stringify(bundle));

  it('a v0.3 keyed bundle made here verifies with sigstore-js against the trusted key; signer is its name', async () => {
    await writeBundle(keyedMessageBundle(artifact, release.privateKey, 'release-2026'));
    const { artifacts, errors } = await collectArtifacts(['app.tgz'], { cwd: dir, trust });
    assert.deepEqual(errors, []);
    assert.deepEqual(artifacts, [{ name: 'app.tgz', digest: `sha256:${createHash('sha256').update(artifact).digest('hex')}`, signed: true, signature_verified: true, signer: 'release-2026' }]);
  });

  it('a v0.2 bundle named <file>.bundle, and <file>.sigstore, verify too', async () => {
    await writeBundle(keyedMessageBundle(artifact, release.privateKey, 'release-2026', '0.2'), '.bundle');
    assert.equal((await collectArtifacts(['app.tgz'], { cwd: dir, trust })).artifacts[0]!.signature_verified, true);
    await rm(join(dir, 'app.tgz.bundle'));
    await writeBundle(keyedMessageBundle(artifact, release.privateKey, 'x'), '.sigstore');
    assert.equal((await collectArtifacts(['app.tgz'], { cwd: dir, trust })).artifacts[0]!.signature_verified, true);
  });

  it('the hint need not be a key name: every trusted key is tried, and the one that verifies is the signer', async () => {
    await writeBundle(keyedMessageBundle(artifact, release.privateKey, 'sha256:whatever-cosign-wrote'));
    const twoKeys: TrustConfig = { publicKeys: [{ name: 'other', pem: stranger.publicPem }, { name: 'release-2026', pem: release.publicPem }], sigstore: false };
    const { artifacts } = await collectArtifacts(['app.tgz'], { cwd: dir, trust: twoKeys });
    assert.equal(artifacts[0]!.signer, 'release-2026');
  });

  it('the same bundle over an artifact changed by one byte: signed, not verified, and why', async () => {
    await writeBundle(keyedMessageBundle(artifact, release.privateKey, 'release-2026'));
    const tampered = Buffer.from(artifact);
    tampered[5] = tampered[5]! ^ 0x01;
    await writeFile(join(dir, 'app.tgz'), tampered);
    const { artifacts, errors } = await collectArtifacts(['app.tgz'], { cwd: dir, trust });
    assert.deepEqual(artifacts.map(({ signed, signature_verified, signer }) => ({ signed, signature_verified, signer })), [{ signed: true, signature_verified: false, signer: undefined }]);
    assert.deepEqual(errors, [{ path: 'app.tgz.sigstore.json', error: 'signature verification failed' }]);
  });

  it('a bundle signed by a key that is not trusted does not verify', async () => {
    await writeBundle(keyedMessageBundle(artifact, stranger.privateKey, 'release-2026'));
    const { artifacts } = await collectArtifacts(['app.tgz'], { cwd: dir, trust });
    assert.equal(artifacts[0]!.signed, true);
    assert.equal(artifacts[0]!.signature_verified, false);
  });

  it('with no trusted key at all, a keyed bundle is signed and left unchecked (no verification claim), and says why', async () => {
    await writeBundle(keyedMessageBundle(artifact, release.privateKey, 'release-2026'));
    const { artifacts, errors } = await collectArtifacts(['app.tgz'], { cwd: dir, trust: { publicKeys: [], sigstore: false } });
    assert.deepEqual(artifacts, [{ name: 'app.tgz', digest: artifacts[0]!.digest, signed: true }]);
    assert.match(errors[0]!.error, /no trusted public key/);
  });

  it('a DSSE attestation verifies only when its statement names this file\'s sha256', async () => {
    const sha256 = createHash('sha256').update(artifact).digest('hex');
    await writeBundle(keyedDsseBundle('app.tgz', sha256, release.privateKey, 'release-2026'));
    assert.equal((await collectArtifacts(['app.tgz'], { cwd: dir, trust })).artifacts[0]!.signature_verified, true);
    await writeBundle(keyedDsseBundle('app.tgz', '0'.repeat(64), release.privateKey, 'release-2026'));
    const { artifacts, errors } = await collectArtifacts(['app.tgz'], { cwd: dir, trust });
    assert.equal(artifacts[0]!.signature_verified, false);
    assert.match(errors[0]!.error, /no subject names/);
  });

  it('a bundle that is not JSON, or not a bundle, is signed: true, signature_verified: false', async () => {
    await writeFile(join(dir, 'app.tgz.sigstore.json'), 'garbage');
    assert.equal((await collectArtifacts(['app.tgz'], { cwd: dir, trust })).artifacts[0]!.signature_verified, false);
    await writeBundle({ mediaType: 'nope' });
    const { artifacts, errors } = await collectArtifacts(['app.tgz'], { cwd: dir, trust });
    assert.deepEqual([artifacts[0]!.signed, artifacts[0]!.signature_verified], [true, false]);
    assert.match(errors[0]!.error, /not a Sigstore bundle/);
  });

  it('an artifact too large to hold for its message signature is left unchecked, and says why', async () => {
    await writeBundle(keyedMessageBundle(artifact, release.privateKey, 'release-2026'));
    const { artifacts, errors } = await collectArtifacts(['app.tgz'], { cwd: dir, trust, maxInMemoryBytes: 8 });
    assert.deepEqual([artifacts[0]!.signed, artifacts[0]!.signature_verified], [true, undefined]);
    assert.match(errors[0]!.error, /too large/);
  });

  it('a certificate (keyless-shaped) bundle with Sigstore turned off is left unchecked, and nothing is fetched', async () => {
    await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'cert-key.pem', '-out', 'cert.der', '-outform', 'DER', '-subj', '/CN=release', '-days', '1'], { cwd: dir });
    const key = createPrivateKey(await readFile(join(dir, 'cert-key.pem')));
    await writeBundle(certificateMessageBundle(artifact, key, await readFile(join(dir, 'cert.der'))));
    const { artifacts, errors } = await collectArtifacts(['app.tgz'], { cwd: dir, trust });
    assert.deepEqual([artifacts[0]!.signed, artifacts[0]!.signature_verified, artifacts[0]!.signer], [true, undefined, undefined]);
    assert.match(errors[0]!.error, /needs the Sigstore trust root/);

    // Given a trust root with no Fulcio CA in it, the self-signed certificate is refused, not thrown.
    const bundle = JSON.parse(await readFile(join(dir, 'app.tgz.sigstore.json'), 'utf8')) as unknown;
    const check = await verifySigstoreBundle(bundle, { sha256: '', bytes: artifact }, { keys: [], trustedRoot: async () => EMPTY_TRUSTED_ROOT });
    assert.deepEqual([check.verified, check.unchecked], [false, undefined], 'a refused certificate is a failure, not unchecked');
    assert.ok(check.error);
  });

  it('a trust root that cannot be had is reported for the bundle that needs it', async () => {
    const failing = await verifySigstoreBundle(
      { ...keyedMessageBundle(artifact, release.privateKey, 'k'), verificationMaterial: { certificate: { rawBytes: 'AAAA' }, tlogEntries: [] } },
      { sha256: '', bytes: artifact },
      { keys: [], trustedRoot: () => Promise.reject(new Error('offline')) },
    );
    assert.deepEqual(failing, { verified: false, unchecked: true, error: 'Sigstore trust root unavailable: offline' });
  });
});
