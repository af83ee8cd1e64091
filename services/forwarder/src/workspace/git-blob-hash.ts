import { createHash, type Hash } from 'node:crypto';
import { open } from 'node:fs/promises';

/** The hash a repository names its objects with (`git rev-parse --show-object-format`). */
export type ObjectFormat = 'sha1' | 'sha256';

/** A file's blob id plus the identity it was read through (to map hard links and symlinks back to it). */
export interface FileBlob {
  id: string;
  size: number;
  dev: number;
  ino: number;
}

const CHUNK = 1 << 20;
/** Files up to this size are read whole, so the header carries the length actually read. */
const WHOLE_READ_MAX = 8 << 20;

const blobHash = (format: ObjectFormat, length: number): Hash => createHash(format).update(`blob ${length}\0`);

/** The id git gives `content` as a blob: hash("blob <len>\0" + content). Same as `git hash-object` without filters. */
export function gitBlobId(content: Uint8Array | string, format: ObjectFormat = 'sha1'): string {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  return blobHash(format, bytes.length).update(bytes).digest('hex');
}

/** Thrown when a large file kept changing size while it was hashed. */
export class UnstableFileError extends Error {
  constructor(readonly path: string) {
    super(`${path} changed while it was hashed`);
    this.name = 'UnstableFileError';
  }
}

/**
 * Blob id of the file at `path` (symlinks followed), read through one descriptor so the
 * id, size and inode belong to the same file even if the path is renamed over meanwhile.
 * Large files are streamed: the header needs the length first, so a file whose length
 * moves during the read is read again (twice), then reported as UnstableFileError.
 * Errors of the open (ENOENT, EISDIR...) propagate with their code.
 */
export async function gitBlobIdOfFile(path: string, format: ObjectFormat = 'sha1'): Promise<FileBlob> {
  const handle = await open(path, 'r');
  try {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const stat = await handle.stat();
      const identity = { dev: stat.dev, ino: stat.ino };
      if (stat.size <= WHOLE_READ_MAX) {
        // Read to EOF, not to stat.size: a file growing meanwhile is hashed as read.
        const content = await readAll(handle, 0);
        return { id: gitBlobId(content, format), size: content.length, ...identity };
      }
      const hash = blobHash(format, stat.size);
      const buffer = Buffer.allocUnsafe(CHUNK);
      let total = 0;
      for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, CHUNK, total);
        if (bytesRead === 0) break;
        hash.update(buffer.subarray(0, bytesRead));
        total += bytesRead;
        if (total > stat.size) break;
      }
      if (total === stat.size) return { id: hash.digest('hex'), size: total, ...identity };
    }
    throw new UnstableFileError(path);
  } finally {
    await handle.close();
  }
}

async function readAll(handle: Awaited<ReturnType<typeof open>>, position: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let offset = position;
  for (;;) {
    const buffer = Buffer.allocUnsafe(CHUNK);
    const { bytesRead } = await handle.read(buffer, 0, CHUNK, offset);
    if (bytesRead === 0) return Buffer.concat(chunks);
    chunks.push(buffer.subarray(0, bytesRead));
    offset += bytesRead;
  }
}
