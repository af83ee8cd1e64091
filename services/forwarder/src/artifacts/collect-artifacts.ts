import type { RunEvent } from '@pipewatch/shared';
import { createDetachedCheck, type SignatureCheck } from './detached-signature.js';
import { splitArtifactVersion } from './artifact-version.js';
import { artifactName, expandPatterns } from './expand-patterns.js';
import { readArtifact } from './read-artifact.js';
import { findSidecars } from './sidecar-files.js';
import { verifySigstoreBundle, type BundleTrust } from './sigstore-bundle.js';
import { keylessPolicy, sigstoreTrustRoot } from './sigstore-trust-root.js';
import { loadTrustedKeys, type TrustConfig } from './trust-config.js';

export type Artifact = NonNullable<RunEvent['artifacts']>[number];

export interface CollectArtifactsOptions {
  cwd: string;
  trust?: TrustConfig;
  /** Default 1000, the contract's bound on `artifacts`. */
  maxFiles?: number;
  /** Largest artifact hashed; default 10 GiB (it is streamed). */
  maxBytes?: number;
  /** Largest artifact held in memory for a check that needs all of it (Sigstore message signature, Ed25519); default 1 GiB. */
  maxInMemoryBytes?: number;
}

/** Exactly one of `pattern` (it matched nothing or failed) and `path` (a file or its signature). */
export type ArtifactError = { pattern: string; error: string } | { path: string; error: string };

export interface CollectedArtifacts {
  artifacts: Artifact[];
  /** Also holds why a signature did not verify, beside its artifact's `signature_verified: false`. */
  errors: ArtifactError[];
}

const GIB = 1024 ** 3;
const MAX_NAME = 500;

/**
 * M1590: digests and signature facts for release artifacts. Never throws for a file: a
 * missing one is an error entry, a signature that does not verify is `signed: true,
 * signature_verified: false` (the case the detector turns into a critical finding).
 */
export async function collectArtifacts(patterns: readonly string[], options: CollectArtifactsOptions): Promise<CollectedArtifacts> {
  const maxBytes = options.maxBytes ?? 10 * GIB;
  const maxInMemoryBytes = options.maxInMemoryBytes ?? GIB;
  const { keys, errors: keyErrors } = loadTrustedKeys(options.trust);
  const root = sigstoreTrustRoot(options.trust);
  const policy = keylessPolicy(options.trust);
  const trust: BundleTrust = { keys, ...(root ? { trustedRoot: root } : {}), ...(policy ? { policy } : {}) };

  const { files, errors: patternErrors } = await expandPatterns(patterns, options.cwd, options.maxFiles ?? 1000);
  const errors: ArtifactError[] = [...keyErrors.map(({ name, error }) => ({ path: `public key ${name}`, error })), ...patternErrors];
  const artifacts: Artifact[] = [];

  // One file at a time: at most one artifact is ever held in memory.
  for (const file of files) {
    const name = boundedName(artifactName(file, options.cwd));
    const sidecars = await findSidecars(file);
    errors.push(...sidecars.errors.map(({ path, error }) => ({ path: artifactName(path, options.cwd), error })));
    const detached = sidecars.signature ? createDetachedCheck(sidecars.signature.content, keys) : undefined;
    let content;
    try {
      content = await readArtifact(file, {
        maxBytes,
        ...(sidecars.bundle || detached?.needsBytes ? { keepBytesUpTo: maxInMemoryBytes } : {}),
        ...(detached ? { sinks: [(chunk: Buffer) => detached.sink(chunk)] } : {}),
      });
    } catch (error) {
      errors.push({ path: name, error: (error as Error).message });
      continue;
    }

    const checks: { path: string; check: SignatureCheck }[] = [];
    if (sidecars.bundle) {
      const json = parseJson(sidecars.bundle.content);
      const check = json === undefined
        ? { verified: false, error: 'not a Sigstore bundle: not JSON' }
        : await verifySigstoreBundle(json, { sha256: content.digest.slice('sha256:'.length), ...(content.bytes ? { bytes: content.bytes } : {}) }, trust);
      checks.push({ path: sidecars.bundle.path, check });
    }
    if (sidecars.signature && detached) checks.push({ path: sidecars.signature.path, check: detached.finish(content.bytes) });

    for (const { path, check } of checks) if (!check.verified) errors.push({ path: artifactName(path, options.cwd), error: check.error ?? 'did not verify' });
    artifacts.push(toArtifact(name, content.digest, checks.map(({ check }) => check)));
  }
  return { artifacts, errors };
}

/**
 * Every signature beside the file must verify: one good signature does not excuse a forged
 * one. One that could not be checked at all leaves `signature_verified` out rather than
 * claiming a failure the detector would call critical.
 */
function toArtifact(path: string, digest: string, checks: SignatureCheck[]): Artifact {
  const { name, version } = splitArtifactVersion(path);
  const id = { name, ...(version ? { version: version.slice(0, 200) } : {}), digest };
  if (checks.length === 0) return { ...id, signed: false };
  if (checks.some((check) => !check.verified && !check.unchecked)) return { ...id, signed: true, signature_verified: false };
  if (checks.some((check) => check.unchecked)) return { ...id, signed: true };
  const signer = checks.find((check) => check.signer)?.signer;
  return { ...id, signed: true, signature_verified: true, ...(signer ? { signer: signer.slice(0, 500) } : {}) };
}

/** The contract bounds names; the end of a path says most about the file. */
function boundedName(name: string): string {
  return name.length <= MAX_NAME ? name : `…${name.slice(name.length - MAX_NAME + 1)}`;
}

function parseJson(content: Buffer): unknown {
  try {
    return JSON.parse(content.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
