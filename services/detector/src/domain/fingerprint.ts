import { createHash } from 'node:crypto';

/** Bytes of every hash the baseline keeps (key hashes and digest fingerprints): 64 bits. */
export const HASH_BYTES = 8;

/**
 * Digests are remembered as 64-bit fingerprints (16 hex digits): building a different
 * artifact whose SHA-256 starts with the same 64 bits is out of reach, and a
 * fingerprint costs 8 bytes of state instead of 32.
 */
export function digestFingerprint(digest: string): string {
  const hex = digest.includes(':') ? digest.slice(digest.indexOf(':') + 1) : digest;
  if (/^[0-9a-f]{16,}$/i.test(hex)) return hex.slice(0, 16).toLowerCase();
  return createHash('sha256').update(digest).digest('hex').slice(0, 16);
}

/** Recently hashed values: the same hosts, executables and actors recur run after run. */
const memo = new Map<string, string>();
const MEMO_LIMIT = 50_000;

/**
 * The stand-in a baseline keeps for a value it only needs to recognise (a seen-set
 * key, a dependency name, an event id): the first 64 bits of its SHA-256 as 11
 * base64url characters. The run being judged supplies the readable value.
 */
export function keyHash(value: string): string {
  let hash = memo.get(value);
  if (hash === undefined) {
    hash = hashOf(value);
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(value, hash);
  }
  return hash;
}

/** Stand-in for an event id in the redelivery window. */
export function eventIdHash(eventId: string): string {
  // Not memoised: every event id is new, it would only push the recurring values out.
  return hashOf(eventId);
}

function hashOf(value: string): string {
  return createHash('sha256').update(value).digest().toString('base64url', 0, HASH_BYTES);
}
