import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

export interface ReadArtifactOptions {
  /** Larger files are refused: hashing is streamed, but a runaway file must not hold the release step for ever. */
  maxBytes: number;
  /** Keep the content in memory when the file is at most this big (signature checks that need the whole message). */
  keepBytesUpTo?: number;
  /** Called with every chunk, in order: streamed signature checks. */
  sinks?: ((chunk: Buffer) => void)[];
}

export interface ArtifactContent {
  /** `sha256:<hex>` */
  digest: string;
  size: number;
  bytes?: Buffer;
}

/**
 * Reads a file once: its digest, the chunks for streamed verifiers and, when small enough,
 * its bytes. One pass means the digest and the signature checks see the same content.
 */
export async function readArtifact(path: string, options: ReadArtifactOptions): Promise<ArtifactContent> {
  const handle = await open(path, 'r');
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new Error('not a regular file');
    if (stat.size > options.maxBytes) throw new Error(`larger than ${options.maxBytes} bytes`);
    const keep = options.keepBytesUpTo !== undefined && stat.size <= options.keepBytesUpTo;
    const hash = createHash('sha256');
    const kept: Buffer[] = [];
    let size = 0;
    for await (const chunk of handle.createReadStream({ autoClose: false }) as AsyncIterable<Buffer>) {
      size += chunk.length;
      // The file may grow while it is read; the bound holds for what is read, not what stat said.
      if (size > options.maxBytes) throw new Error(`larger than ${options.maxBytes} bytes`);
      hash.update(chunk);
      for (const sink of options.sinks ?? []) sink(chunk);
      if (keep) kept.push(chunk);
    }
    const keptBytes = keep && options.keepBytesUpTo !== undefined && size <= options.keepBytesUpTo;
    return { digest: `sha256:${hash.digest('hex')}`, size, ...(keptBytes ? { bytes: Buffer.concat(kept, size) } : {}) };
  } finally {
    await handle.close();
  }
}
