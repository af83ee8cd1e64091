import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export interface ExeHasher {
  /**
   * Starts hashing `path` unless it was hashed before. `sources` are tried in order:
   * `/proc/<pid>/exe` first reads the very inode that ran (even if the file was since
   * replaced or deleted); the path itself is the fallback once the process is gone.
   */
  hash(path: string, sources: readonly string[]): void;
  /** Waits for the hashes started so far; undefined for files that could not be read. */
  results(): Promise<Map<string, string | undefined>>;
}

export function createExeHasher(): ExeHasher {
  const pending = new Map<string, Promise<string | undefined>>();
  return {
    hash(path, sources) {
      if (!pending.has(path)) pending.set(path, firstReadable(sources));
    },
    async results() {
      const entries = await Promise.all([...pending].map(async ([path, digest]) => [path, await digest] as const));
      return new Map(entries);
    },
  };
}

async function firstReadable(sources: readonly string[]): Promise<string | undefined> {
  for (const source of sources) {
    const digest = await sha256File(source).catch(() => undefined);
    if (digest !== undefined) return digest;
  }
  return undefined;
}

export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('error', reject)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')));
  });
}
