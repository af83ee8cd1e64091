import { hash as oneShotHash } from 'node:crypto';

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
  return oneShotHash('sha256', digest, 'hex').slice(0, 16);
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

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * The first `bytes` (6 or 8) of the value's SHA-256 in base64url. Node's one-shot
 * `hash` with a string output (Node ≥ 20.12) is ~4× faster than a Hash object or a
 * Buffer result, and this runs several times per event. 6 bytes are exactly 8
 * characters of the digest's encoding; for 8 bytes the 11th character carries 4
 * bits of the digest, so the 2 bits it takes from the 9th byte are cleared, as
 * encoding the 8 bytes alone would have them.
 */
function hashOf(value: string, bytes = HASH_BYTES): string {
  const encoded = oneShotHash('sha256', value, 'base64url');
  if (bytes === SHORT_HASH_BYTES) return encoded.slice(0, 8);
  return encoded.slice(0, 10) + BASE64URL[BASE64URL.indexOf(encoded[10]!) & 0x3c]!;
}
