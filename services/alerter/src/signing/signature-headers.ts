import { signPayload } from './sign-payload.js';

/**
 * X-Pipewatch-Timestamp and X-Pipewatch-Signature for one attempt. Computed per
 * attempt, so a late retry does not arrive with a stale timestamp.
 */
export function signatureHeaders(secret: string, body: string, now: Date = new Date()): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  return { 'x-pipewatch-timestamp': String(timestamp), 'x-pipewatch-signature': signPayload(secret, timestamp, body) };
}
