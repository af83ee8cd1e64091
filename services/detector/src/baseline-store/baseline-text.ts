import { BASELINE_VERSION } from '../domain/baseline.js';
import { decodeBaseline, encodeBaseline, storedBaselineVersion } from '../domain/baseline-codec.js';
import type { PipelineBaseline } from '../domain/baseline.js';

/**
 * How stored records are read and written: the Kafka changelog carries the encoded
 * bytes as they are; the file store's lines carry them as base64 text.
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
  return ownRecordBytes(Buffer.from(text, 'base64'));
}

/**
 * The encoded bytes of a binary record, copied into a buffer of their own (a
 * consumer's buffer may be a slice of a whole fetch); undefined for a record of
 * another format version, including the JSON of versions up to 3.
 */
export function ownRecordBytes(record: Uint8Array): Uint8Array | undefined {
  if (record[0] === 0x7b /* '{' */) return undefined;
  const version = storedBaselineVersion(record);
  if (version !== undefined && version !== BASELINE_VERSION) return undefined;
  return Uint8Array.from(record);
}

/** A baseline from a binary record; undefined for another format version, `BaselineDecodeError` for garbage. */
export function baselineFromRecord(record: Uint8Array): PipelineBaseline | undefined {
  const bytes = ownRecordBytes(record);
  return bytes ? decodeBaseline(bytes) : undefined;
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
