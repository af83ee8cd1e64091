import { createHash, timingSafeEqual } from 'node:crypto';

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * Constant-time equality with one configured secret (GitLab's X-Gitlab-Token is
 * the secret itself, sent in clear over TLS). Digests first, so neither the
 * comparison time nor a length mismatch says how close a guess came.
 */
export function createSharedSecretCheck(secret: string): (presented: string) => boolean {
  const expected = sha256(secret);
  return (presented) => timingSafeEqual(sha256(presented), expected);
}
