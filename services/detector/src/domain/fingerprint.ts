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
  if (hex.length >= 16 && isHex(hex)) return hex.slice(0, 16).toLowerCase();
  return createHash('sha256').update(digest).digest('hex').slice(0, 16);
}

/** Only 0-9, a-f, A-F (a loop: this runs for every digest of every run). */
function isHex(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    const digit = code >= 0x30 && code <= 0x39;
    const letter = (code >= 0x61 && code <= 0x66) || (code >= 0x41 && code <= 0x46);
    if (!digit && !letter) return false;
  }
  return true;
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

/** Bytes of the shorter hashes, where a rare collision costs nothing an attacker could use. */
export const SHORT_HASH_BYTES = 6;

/**
 * 48 bits (8 base64url characters) for values that are only compared among a few
 * dozen (event ids in the redelivery window, artifact names): a chance collision
 * is one in 10^13 per event.
 */
export function shortHash(value: string): string {
  // The first 6 bytes of the same digest are the first 8 characters of its key hash (memoised).
  return keyHash(value).slice(0, 8);
}

/** Stand-in for an event id in the redelivery window. Not memoised: every event id is new. */
export function eventIdHash(eventId: string): string {
  return hashOf(eventId, SHORT_HASH_BYTES);
}

/** Forgets the memo of recent key hashes (benchmarks measure state without it). */
export function clearKeyHashMemo(): void {
  memo.clear();
}

function hashOf(value: string, bytes = HASH_BYTES): string {
  return createHash('sha256').update(value).digest().toString('base64url', 0, bytes);
}
