import { lstat, readlink } from 'node:fs/promises';
import { gitBlobId, gitBlobIdOfFile, type ObjectFormat } from './git-blob-hash.js';

/** What a tracked path holds right now, as git would name it. */
export type WorktreeState =
  | { kind: 'blob'; id: string; dev: number; ino: number }
  /** Nothing git could store at that path: absent, or a directory / fifo / socket now. */
  | { kind: 'missing' };

const MISSING: WorktreeState = { kind: 'missing' };

const code = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | undefined)?.code;

/**
 * Blob id of what is at `absPath`: a regular file's content, or a symlink's target text
 * (that is what git stores for mode 120000). Other errors than "not there" (EACCES,
 * UnstableFileError) propagate: the caller must not mistake them for a change.
 */
export async function hashWorktreePath(absPath: string, format: ObjectFormat): Promise<WorktreeState> {
  try {
    const stat = await lstat(absPath);
    if (stat.isSymbolicLink()) {
      const target = await readlink(absPath, { encoding: 'buffer' });
      return { kind: 'blob', id: gitBlobId(target, format), dev: stat.dev, ino: stat.ino };
    }
    if (!stat.isFile()) return MISSING;
    const blob = await gitBlobIdOfFile(absPath, format);
    return { kind: 'blob', id: blob.id, dev: blob.dev, ino: blob.ino };
  } catch (error) {
    // ENOENT/ENOTDIR: gone (or a parent became a file); EISDIR/ELOOP: raced into a non-file.
    if (['ENOENT', 'ENOTDIR', 'EISDIR', 'ELOOP'].includes(code(error) ?? '')) return MISSING;
    throw error;
  }
}

/** Runs `tasks` with at most `limit` in flight; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
