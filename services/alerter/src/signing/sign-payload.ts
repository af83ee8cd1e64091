import { createHmac, timingSafeEqual } from 'node:crypto';

/** Prefix of the X-Pipewatch-Signature value; names the algorithm so it can change later. */
export const SIGNATURE_PREFIX = 'sha256=';

const SIGNATURE_SHAPE = /^sha256=[0-9a-f]{64}$/;
const TIMESTAMP_SHAPE = /^\d{1,12}$/;

function hmacHex(secret: string, timestamp: string, body: string | Uint8Array): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

/**
 * The X-Pipewatch-Signature value for a request: `sha256=` + hex HMAC-SHA256 of
 * `<timestamp>.<body>`. The timestamp is inside the MAC so a captured request
 * cannot be replayed later with a fresh timestamp header.
 */
export function signPayload(secret: string, timestamp: number | string, body: string | Uint8Array): string {
  return SIGNATURE_PREFIX + hmacHex(secret, String(timestamp), body);
}

export interface VerifySignatureInput {
  secret: string;
  /** The X-Pipewatch-Timestamp header: unix seconds. */
  timestamp: string | number | undefined;
  /** The raw request body, exactly as received (not re-serialized JSON). */
  body: string | Uint8Array;
  /** The X-Pipewatch-Signature header. */
  signature: string | undefined;
  /** How far the timestamp may be from `now`, either way; default 300. */
  toleranceSeconds?: number;
  /** Default: the current time. */
  now?: Date;
}

/** True only for a well-formed, fresh signature made with `secret` over this exact body. */
export function verifySignature(input: VerifySignatureInput): boolean {
  const { secret, body, signature } = input;
  const timestamp = input.timestamp === undefined ? '' : String(input.timestamp);
  if (!signature || !SIGNATURE_SHAPE.test(signature) || !TIMESTAMP_SHAPE.test(timestamp)) return false;
  const toleranceSeconds = input.toleranceSeconds ?? 300;
  const nowSeconds = Math.floor((input.now ?? new Date()).getTime() / 1000);
  if (Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) return false;
  // Both sides are 32 bytes here (the shape check guarantees it), as timingSafeEqual requires.
  const expected = Buffer.from(hmacHex(secret, timestamp, body), 'hex');
  const given = Buffer.from(signature.slice(SIGNATURE_PREFIX.length), 'hex');
  return expected.length === given.length && timingSafeEqual(expected, given);
}
