import { decodeBaseline, encodeBaseline } from '../domain/baseline-codec.js';
import type { PipelineBaseline } from '../domain/baseline.js';

/**
 * Baselines held at rest in their encoded form (a few KiB each, one buffer per
 * pipeline) and decoded on demand: 100k idle pipelines cost about their encoded
 * size, and every `get` returns a fresh object its caller may change freely.
 */
export class EncodedBaselines {
  private readonly bytes = new Map<string, Uint8Array>();

  get(pipelineId: string): PipelineBaseline | undefined {
    const stored = this.bytes.get(pipelineId);
    return stored ? decodeBaseline(stored) : undefined;
  }

  /** Encodes, keeps and returns the bytes (for a store that also writes them out). */
  put(baseline: PipelineBaseline): Uint8Array {
    const encoded = encodeBaseline(baseline);
    this.bytes.set(baseline.pipeline_id, encoded);
    return encoded;
  }

  /** Keeps bytes already encoded (and checked) by a restore. */
  putEncoded(pipelineId: string, encoded: Uint8Array): void {
    this.bytes.set(pipelineId, encoded);
  }

  delete(pipelineId: string): void {
    this.bytes.delete(pipelineId);
  }

  entries(): IterableIterator<[string, Uint8Array]> {
    return this.bytes.entries();
  }

  get size(): number {
    return this.bytes.size;
  }
}
