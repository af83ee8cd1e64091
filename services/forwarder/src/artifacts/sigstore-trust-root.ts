import { getTrustedRoot } from '@sigstore/tuf';
import type { VerificationPolicy } from '@sigstore/verify';
import type { TrustedRoot } from './sigstore-bundle.js';
import type { SigstoreTrustOptions, TrustConfig } from './trust-config.js';

/**
 * The public-good trust root over TUF, fetched on the first call only (one collectArtifacts
 * run shares it) and only when a bundle needs it: a run that meets no keyless or logged
 * bundle never touches the network. undefined: the configuration turned Sigstore off.
 */
export function sigstoreTrustRoot(config: TrustConfig | undefined): (() => Promise<TrustedRoot>) | undefined {
  if (config?.sigstore === false) return undefined;
  const options: SigstoreTrustOptions = config?.sigstore ?? {};
  let pending: Promise<TrustedRoot> | undefined;
  return () => {
    pending ??= getTrustedRoot({
      ...(options.tufMirrorURL !== undefined ? { mirrorURL: options.tufMirrorURL } : {}),
      ...(options.tufCachePath !== undefined ? { cachePath: options.tufCachePath } : {}),
      ...(options.tufRootPath !== undefined ? { rootPath: options.tufRootPath } : {}),
      ...(options.tufForceCache !== undefined ? { forceCache: options.tufForceCache } : {}),
      timeout: options.timeoutMs ?? 10_000,
      retry: { retries: 1 },
    });
    return pending;
  };
}

/** Which keyless signers count: a certificate identity (SAN) and issuer, when configured. */
export function keylessPolicy(config: TrustConfig | undefined): VerificationPolicy | undefined {
  const options = config?.sigstore || undefined;
  if (!options?.certificateIdentity && !options?.certificateIssuer) return undefined;
  return {
    ...(options.certificateIdentity ? { subjectAlternativeName: options.certificateIdentity } : {}),
    ...(options.certificateIssuer ? { extensions: { issuer: options.certificateIssuer } } : {}),
  };
}
