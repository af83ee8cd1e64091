import { decodeBaseline, encodeBaseline } from '../domain/baseline-codec.js';
import type { PipelineBaseline } from '../domain/baseline.js';

/**
 * Baselines held at rest in their encoded form and decoded on demand: 100k idle
 * pipelines cost about their encoded size, and every `get` returns a fresh object
 * its caller may change freely. The bytes are kept as one-byte (latin1) strings:
 * a string costs 16 bytes beyond its content, a typed array with its own buffer
 * ~140 more, which is 3–4% of a baseline.
 */
export class EncodedBaselines {
  private readonly held = new Map<string, string>();

  get(pipelineId: string): PipelineBaseline | undefined {
    const stored = this.held.get(pipelineId);
    return stored === undefined ? undefined : decodeBaseline(Buffer.from(stored, 'latin1'));
  }

  /** Encodes, keeps and returns the bytes (for a store that also writes them out). */
  put(baseline: PipelineBaseline): Uint8Array {
    const encoded = encodeBaseline(baseline);
    this.putEncoded(baseline.pipeline_id, encoded);
    return encoded;
  }

  /** Keeps bytes already encoded (and checked, by a restore). */
  putEncoded(pipelineId: string, encoded: Uint8Array): void {
    this.held.set(pipelineId, Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength).toString('latin1'));
  }

  delete(pipelineId: string): void {
    this.held.delete(pipelineId);
  }

  *entries(): IterableIterator<[string, Uint8Array]> {
    for (const [pipelineId, stored] of this.held) yield [pipelineId, Buffer.from(stored, 'latin1')];
  }

  get size(): number {
    return this.held.size;
  }
}
