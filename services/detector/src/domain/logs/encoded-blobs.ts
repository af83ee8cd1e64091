import { SECRET_PATTERNS, shannonEntropy } from '@pipewatch/shared';

/** Long runs of the base64 alphabet; paths match this too, so entropy decides. */
const BASE64_RUN = /[A-Za-z0-9+/_-]{100,}={0,2}/g;

export interface EncodedBlob {
  /** 1 for base64, 2 for base64 of base64 (the tj-actions secret dump). */
  depth: 1 | 2;
  length: number;
  /** Kinds of credentials found inside the decoded text. */
  secretKinds: string[];
}

/**
 * Finds base64 blobs in a log line that decode to something: random bytes of
 * real encoded data, not a Java package path. Decodes twice to see through
 * double encoding, and looks for credential shapes in what comes out.
 */
export function findEncodedBlobs(line: string): EncodedBlob[] {
  const out: EncodedBlob[] = [];
  for (const match of line.matchAll(BASE64_RUN)) {
    const token = match[0];
    if (!looksEncoded(token)) continue;
    const once = decode(token);
    if (once === undefined) continue;
    const inner = once.replace(/\s+/g, '');
    const twice = inner.length >= 60 && /^[A-Za-z0-9+/=_-]+$/.test(inner) ? decode(inner) : undefined;
    const plain = twice ?? once;
    out.push({ depth: twice !== undefined ? 2 : 1, length: token.length, secretKinds: secretKindsIn(plain) });
  }
  return out;
}

/** Random base64 carries ~6 bits a character; paths and words stay near 4. */
function looksEncoded(token: string): boolean {
  const slashes = token.split('/').length - 1;
  if (slashes > token.length / 12) return false;
  if (!/[0-9]/.test(token) || !/[a-z]/.test(token) || !/[A-Z]/.test(token)) return false;
  return shannonEntropy(token) >= 5;
}

function decode(token: string): string | undefined {
  const normalised = token.replace(/-/g, '+').replace(/_/g, '/');
  const bytes = Buffer.from(normalised, 'base64');
  if (bytes.length < 40) return undefined;
  return bytes.toString('latin1');
}

function secretKindsIn(text: string): string[] {
  const kinds = new Set<string>();
  if (/"isSecret"\s*:\s*true/.test(text)) kinds.add('runner_secret_record');
  for (const { kind, pattern } of SECRET_PATTERNS) {
    pattern.lastIndex = 0;
    if (pattern.test(text)) kinds.add(kind);
    pattern.lastIndex = 0;
  }
  return [...kinds].sort();
}
