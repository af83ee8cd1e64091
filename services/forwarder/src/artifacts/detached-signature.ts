import { createVerify, verify as verifyOneShot, type KeyObject, type Verify } from 'node:crypto';
import type { TrustedKey } from './trust-config.js';

export interface SignatureCheck {
  verified: boolean;
  /**
   * Nothing could be checked (no trusted material, artifact too large to hold): not a
   * failed signature, so the artifact claims neither way (`signature_verified` absent).
   */
  unchecked?: boolean;
  signer?: string;
  error?: string;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * The signature bytes a `.sig` file may hold: `cosign sign-blob` writes base64 text,
 * `openssl dgst -sign` raw bytes (DER for ECDSA). Both readings are tried; a raw
 * signature that happens to be valid base64 text is all but impossible.
 */
export function signatureCandidates(file: Buffer): Buffer[] {
  const candidates = [file];
  const text = file.toString('latin1').replace(/\s+/g, '');
  if (text.length > 0 && text.length % 4 === 0 && BASE64.test(text)) candidates.push(Buffer.from(text, 'base64'));
  return candidates;
}

/** Digests a key may have been used with: openssl is told -sha256; cosign picks the curve's own hash. */
function hashesFor(key: KeyObject): string[] {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (curve === 'secp384r1') return ['sha256', 'sha384'];
  if (curve === 'secp521r1') return ['sha256', 'sha512'];
  return ['sha256'];
}

/** EdDSA signs the whole message, so it cannot be verified from a stream. */
function isEdwards(key: KeyObject): boolean {
  return key.asymmetricKeyType === 'ed25519' || key.asymmetricKeyType === 'ed448';
}

export interface DetachedCheck {
  /** Feed every chunk of the artifact here. */
  sink(chunk: Buffer): void;
  /** Whether some trusted key needs the whole artifact in memory. */
  readonly needsBytes: boolean;
  /** After the last chunk; `bytes` is the artifact when it was small enough to keep. */
  finish(bytes: Buffer | undefined): SignatureCheck;
}

/** Checks a detached signature against every trusted key while the artifact streams past once. */
export function createDetachedCheck(signatureFile: Buffer, keys: readonly TrustedKey[]): DetachedCheck {
  const signatures = signatureCandidates(signatureFile);
  // A Verify object is spent by verify(): one per key, digest and reading of the file.
  const streamed: { name: string; key: KeyObject; signature: Buffer; verifier: Verify }[] = [];
  for (const { name, key } of keys) {
    if (isEdwards(key)) continue;
    for (const hash of hashesFor(key)) {
      for (const signature of signatures) streamed.push({ name, key, signature, verifier: createVerify(hash) });
    }
  }
  const edwards = keys.filter(({ key }) => isEdwards(key));
  return {
    needsBytes: edwards.length > 0,
    sink(chunk) {
      for (const entry of streamed) entry.verifier.update(chunk);
    },
    finish(bytes) {
      if (keys.length === 0) return { verified: false, unchecked: true, error: 'no trusted public key configured' };
      for (const entry of streamed) {
        if (safely(() => entry.verifier.verify(entry.key, entry.signature))) return { verified: true, signer: entry.name };
      }
      for (const { name, key } of edwards) {
        if (!bytes) continue;
        for (const signature of signatures) {
          if (safely(() => verifyOneShot(null, bytes, key, signature))) return { verified: true, signer: name };
        }
      }
      // A skipped key might have been the signer's: that is not a failed signature.
      if (edwards.length > 0 && !bytes) return { verified: false, unchecked: true, error: 'Ed25519/Ed448 keys not tried: the artifact is too large to hold in memory' };
      return { verified: false, error: 'no trusted key verifies the signature' };
    },
  };
}

function safely(check: () => boolean): boolean {
  try {
    return check();
  } catch {
    return false;
  }
}
