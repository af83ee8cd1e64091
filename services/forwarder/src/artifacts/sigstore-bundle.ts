import { bundleFromJSON, type Bundle } from '@sigstore/bundle';
import { Verifier, toSignedEntity, toTrustMaterial, type KeyFinderFunc, type Signer, type VerificationPolicy } from '@sigstore/verify';
import type { SignatureCheck } from './detached-signature.js';
import type { TrustedKey } from './trust-config.js';

export type TrustedRoot = Parameters<typeof toTrustMaterial>[0];

/** No CAs, logs or timestamp authorities: enough for a keyed bundle with no log entry, offline. */
export const EMPTY_TRUSTED_ROOT: TrustedRoot = {
  mediaType: 'application/vnd.dev.sigstore.trustedroot.v0.2+json',
  tlogs: [],
  certificateAuthorities: [],
  ctlogs: [],
  timestampAuthorities: [],
};

export interface BundleTrust {
  keys: readonly TrustedKey[];
  /** The Sigstore trust root, asked for only when the bundle needs it; undefined: none configured. */
  trustedRoot?: () => Promise<TrustedRoot>;
  policy?: VerificationPolicy;
}

export interface BundleArtifact {
  /** Hex sha256 of the artifact: what a DSSE statement's subject must name. */
  sha256: string;
  /** The artifact itself: a message signature is over these bytes. Absent when too large to hold. */
  bytes?: Buffer;
}

/**
 * Verifies a Sigstore bundle with sigstore-js's verifier (@sigstore/verify). It never
 * throws: a bundle that does not verify is a finding, not a crash of the release step.
 */
export async function verifySigstoreBundle(json: unknown, artifact: BundleArtifact, trust: BundleTrust): Promise<SignatureCheck> {
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(json);
  } catch (error) {
    return { verified: false, error: `not a Sigstore bundle: ${messageOf(error)}` };
  }
  const isMessage = bundle.content.$case === 'messageSignature';
  if (isMessage && !artifact.bytes) return { verified: false, unchecked: true, error: 'artifact too large to hold in memory for its message signature' };

  const material = bundle.verificationMaterial;
  const keyed = material.content.$case === 'publicKey';
  const witnessed = material.tlogEntries.length > 0 || (material.timestampVerificationData?.rfc3161Timestamps.length ?? 0) > 0;
  let root = EMPTY_TRUSTED_ROOT;
  if (!keyed || witnessed) {
    if (!trust.trustedRoot) return { verified: false, unchecked: true, error: 'verifying this bundle needs the Sigstore trust root, and Sigstore is turned off here' };
    try {
      root = await trust.trustedRoot();
    } catch (error) {
      return { verified: false, unchecked: true, error: `Sigstore trust root unavailable: ${messageOf(error)}` };
    }
  }

  try {
    const entity = toSignedEntity(bundle, isMessage ? artifact.bytes : undefined);
    const outcome = keyed ? verifyKeyed(entity, root, trust.keys, hintOf(bundle)) : verifyKeyless(entity, root, trust.policy);
    if (!outcome.verified) return outcome;
    if (!isMessage) {
      const subjectError = dsseSubjectError(bundle, artifact.sha256);
      if (subjectError) return { verified: false, error: subjectError };
    }
    return outcome;
  } catch (error) {
    return { verified: false, error: messageOf(error) };
  }
}

type Entity = ReturnType<typeof toSignedEntity>;

/**
 * A keyed bundle names its key only by a free-form hint, so the key of that name is tried
 * first and then every other trusted key. Timestamps are not required (a bundle made with
 * no log), but any log entry or timestamp it does carry must check out.
 */
function verifyKeyed(entity: Entity, root: TrustedRoot, keys: readonly TrustedKey[], hint: string): SignatureCheck {
  if (keys.length === 0) return { verified: false, unchecked: true, error: 'keyed bundle, and no trusted public key is configured' };
  const ordered = [...keys.filter((key) => key.name === hint), ...keys.filter((key) => key.name !== hint)];
  let lastError = 'no trusted key verifies the bundle';
  for (const candidate of ordered) {
    const finder: KeyFinderFunc = () => ({ publicKey: candidate.key, validFor: () => true });
    const verifier = new Verifier(toTrustMaterial(root, finder), { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
    try {
      verifier.verify(entity);
      return { verified: true, signer: candidate.name };
    } catch (error) {
      lastError = messageOf(error);
    }
  }
  return { verified: false, error: lastError };
}

/** A Fulcio certificate: chain, SCT, log entry and timestamp all checked against the trust root (sigstore-js defaults). */
function verifyKeyless(entity: Entity, root: TrustedRoot, policy: VerificationPolicy | undefined): SignatureCheck {
  const signer: Signer = new Verifier(toTrustMaterial(root)).verify(entity, policy);
  const identity = signer.identity?.subjectAlternativeName;
  return { verified: true, ...(identity ? { signer: identity } : {}) };
}

function hintOf(bundle: Bundle): string {
  const content = bundle.verificationMaterial.content;
  return content.$case === 'publicKey' ? content.publicKey.hint : '';
}

/** A DSSE signature covers an in-toto statement; it vouches for this file only if a subject names its digest. */
function dsseSubjectError(bundle: Bundle, sha256: string): string | undefined {
  if (bundle.content.$case !== 'dsseEnvelope') return undefined;
  let statement: { subject?: { digest?: Record<string, unknown> }[] };
  try {
    statement = JSON.parse(bundle.content.dsseEnvelope.payload.toString('utf8')) as typeof statement;
  } catch {
    return 'DSSE payload is not a JSON in-toto statement';
  }
  const named = Array.isArray(statement.subject) && statement.subject.some((subject) => subject?.digest?.sha256 === sha256);
  return named ? undefined : 'the attestation verifies, but no subject names this file\'s sha256';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
