import { createPublicKey, type KeyObject } from 'node:crypto';

/** A public key the release is allowed to be signed with; `name` becomes the artifact's `signer`. */
export interface TrustedKeyConfig {
  name: string;
  pem: string;
}

/**
 * Where keyless (Fulcio certificate) bundles, and keyed bundles that carry transparency-log
 * entries, find their trust root: the Sigstore public-good instance's, fetched with TUF.
 * The first use needs the network; later ones read `tufCachePath`.
 */
export interface SigstoreTrustOptions {
  tufMirrorURL?: string;
  tufCachePath?: string;
  /** A root.json to start TUF from instead of the one shipped with @sigstore/tuf. */
  tufRootPath?: string;
  /** Use only the cache, never the network (it must have been filled before). */
  tufForceCache?: boolean;
  timeoutMs?: number;
  /** When set, a keyless bundle verifies only for this certificate identity (SAN) and OIDC issuer. */
  certificateIdentity?: string;
  certificateIssuer?: string;
}

export interface TrustConfig {
  publicKeys: TrustedKeyConfig[];
  /** Omitted: the public-good trust root over TUF. false: offline, keyless bundles never verify. */
  sigstore?: SigstoreTrustOptions | false;
}

export interface TrustedKey {
  name: string;
  key: KeyObject;
}

/** Parses the configured PEMs once; a key that does not parse is reported, not trusted. */
export function loadTrustedKeys(config: TrustConfig | undefined): { keys: TrustedKey[]; errors: { name: string; error: string }[] } {
  const keys: TrustedKey[] = [];
  const errors: { name: string; error: string }[] = [];
  for (const entry of config?.publicKeys ?? []) {
    try {
      const key = createPublicKey(entry.pem);
      keys.push({ name: entry.name, key });
    } catch (error) {
      errors.push({ name: entry.name, error: `public key does not parse: ${(error as Error).message}` });
    }
  }
  return { keys, errors };
}
