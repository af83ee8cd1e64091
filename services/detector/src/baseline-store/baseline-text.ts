import { BASELINE_VERSION } from '../domain/baseline.js';
import { decodeBaseline, encodeBaseline, storedBaselineVersion } from '../domain/baseline-codec.js';
import type { PipelineBaseline } from '../domain/baseline.js';

/**
 * Text channels (a line of the file store, the value of a changelog message, both
 * strings today) carry the encoded baseline as base64.
 */
export function bytesToText(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * The encoded bytes in a stored text, in a buffer of their own (so keeping them
 * keeps nothing else alive); undefined for a record of another format version,
 * including the JSON lines of versions up to 3: that pipeline re-learns.
 */
export function bytesFromText(text: string): Uint8Array | undefined {
  if (text.startsWith('{')) return undefined;
  const decoded = Buffer.from(text, 'base64');
  if (storedBaselineVersion(decoded) !== undefined && storedBaselineVersion(decoded) !== BASELINE_VERSION) return undefined;
  const own = new Uint8Array(decoded.length);
  own.set(decoded);
  return own;
}

export function baselineToText(baseline: PipelineBaseline): string {
  return bytesToText(encodeBaseline(baseline));
}

/**
 * A baseline from its stored text; undefined for another format version. Throws
 * `BaselineDecodeError` for a record that is neither (torn, corrupted).
 */
export function baselineFromText(text: string): PipelineBaseline | undefined {
  const bytes = bytesFromText(text);
  return bytes ? decodeBaseline(bytes) : undefined;
}
