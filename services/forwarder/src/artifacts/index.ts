export { collectArtifacts, type Artifact, type ArtifactError, type CollectArtifactsOptions, type CollectedArtifacts } from './collect-artifacts.js';
export { loadTrustedKeys, type TrustConfig, type TrustedKeyConfig, type TrustedKey, type SigstoreTrustOptions } from './trust-config.js';
export { verifySigstoreBundle, EMPTY_TRUSTED_ROOT, type BundleTrust, type BundleArtifact, type TrustedRoot } from './sigstore-bundle.js';
export { createDetachedCheck, signatureCandidates, type DetachedCheck, type SignatureCheck } from './detached-signature.js';
export { expandPatterns, artifactName, type ExpandedPatterns } from './expand-patterns.js';
export { findSidecars, sidecarOwner, BUNDLE_SUFFIXES, SIGNATURE_SUFFIX, type Sidecars } from './sidecar-files.js';
export { readArtifact, type ArtifactContent, type ReadArtifactOptions } from './read-artifact.js';
export { sigstoreTrustRoot, keylessPolicy } from './sigstore-trust-root.js';
