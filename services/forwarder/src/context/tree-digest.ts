import { createHash, type Hash } from 'node:crypto';
import { constants, lstat, open, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';

/** What is left to spend; shared across trees so one call has one bound. Mutated as trees are read. */
export interface TreeBudget {
  entries: number;
  bytes: number;
}

export interface TreeDigest {
  /** `sha256:<hex>`; absent when the budget ran out, since a partial tree's digest compares to nothing. */
  digest?: string;
  /** Regular files and symlinks hashed. */
  files: number;
  bytes: number;
  truncated?: true;
  /** The first entry that could not be read; it still counts in the digest, as an error record. */
  error?: string;
}

type Entry =
  | { kind: 'dir'; path: string }
  | { kind: 'file'; path: string; executable: boolean }
  | { kind: 'link'; path: string }
  | { kind: 'other'; path: string; type: string };

const FORMAT = 'pipewatch-tree/v1\n';
const CHUNK = 1024 * 1024;

/**
 * A digest of a directory tree's content: every entry's '/'-separated relative path in
 * sorted order, with a directory marker, a symlink's target (not followed), or a file's
 * executable bit, length and content hash. Owner, timestamps, other mode bits and the
 * order entries were created in do not count, so the same files unpacked twice give the
 * same digest. The root may itself be a symlink (the runner can link a cached action in).
 */
export async function digestTree(root: string, budget: TreeBudget): Promise<TreeDigest> {
  const entries: Entry[] = [];
  const errors: string[] = [];
  let truncated = await collect(root, '', entries, budget, errors);
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  const hash = createHash('sha256').update(FORMAT);
  let files = 0;
  let bytes = 0;
  for (const entry of entries) {
    if (truncated) break;
    const full = join(root, ...entry.path.split('/'));
    if (entry.kind === 'dir') {
      record(hash, 'D', entry.path);
    } else if (entry.kind === 'other') {
      record(hash, 'O', entry.path, entry.type);
    } else if (entry.kind === 'link') {
      files++;
      try {
        record(hash, 'L', entry.path, await readlink(full));
      } catch (error) {
        record(hash, 'E', entry.path, code(error));
        errors.push(`${entry.path}: ${code(error)}`);
      }
    } else {
      files++;
      const content = await hashFile(full, budget);
      if (content === 'over-budget') {
        truncated = true;
        break;
      }
      if (typeof content === 'string') {
        record(hash, 'E', entry.path, content);
        errors.push(`${entry.path}: ${content}`);
        continue;
      }
      bytes += content.size;
      record(hash, 'F', entry.path, entry.executable ? 'x' : '-', String(content.size), content.hex);
    }
  }
  const out: TreeDigest = { files, bytes };
  if (truncated) out.truncated = true;
  else out.digest = `sha256:${hash.digest('hex')}`;
  if (errors[0]) out.error = errors[0];
  return out;
}

/** Paths never hold NUL, so NUL-separated fields cannot run into each other. */
function record(hash: Hash, tag: string, ...fields: string[]): void {
  hash.update(`${tag}\0${fields.join('\0')}\n`);
}

/** Walks the tree into `out`; true when the entry budget ran out. */
async function collect(root: string, relative: string, out: Entry[], budget: TreeBudget, errors: string[]): Promise<boolean> {
  let names: string[];
  try {
    names = await readdir(relative ? join(root, ...relative.split('/')) : root);
  } catch (error) {
    if (!relative) throw error;
    // An unreadable subdirectory is recorded as such rather than silently shrinking the tree.
    out.push({ kind: 'other', path: relative, type: `unreadable:${code(error)}` });
    errors.push(`${relative}: ${code(error)}`);
    return false;
  }
  for (const name of names) {
    if (budget.entries <= 0) return true;
    budget.entries--;
    const path = relative ? `${relative}/${name}` : name;
    let stat;
    try {
      stat = await lstat(join(root, ...path.split('/')));
    } catch (error) {
      out.push({ kind: 'other', path, type: `unreadable:${code(error)}` });
      errors.push(`${path}: ${code(error)}`);
      continue;
    }
    if (stat.isSymbolicLink()) out.push({ kind: 'link', path });
    else if (stat.isFile()) out.push({ kind: 'file', path, executable: (stat.mode & 0o111) !== 0 });
    else if (stat.isDirectory()) {
      out.push({ kind: 'dir', path });
      if (await collect(root, path, out, budget, errors)) return true;
    } else out.push({ kind: 'other', path, type: stat.isFIFO() ? 'fifo' : stat.isSocket() ? 'socket' : 'device' });
  }
  return false;
}

/** The file's SHA-256, an error code, or 'over-budget'. O_NOFOLLOW: a file swapped for a link is not followed. */
async function hashFile(path: string, budget: TreeBudget): Promise<{ hex: string; size: number } | string> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (error) {
    return code(error);
  }
  try {
    const hash = createHash('sha256');
    const buffer = Buffer.allocUnsafe(CHUNK);
    let size = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, null);
      if (bytesRead === 0) break;
      size += bytesRead;
      if (size > budget.bytes) return 'over-budget';
      hash.update(buffer.subarray(0, bytesRead));
    }
    budget.bytes -= size;
    return { hex: hash.digest('hex'), size };
  } catch (error) {
    return code(error);
  } finally {
    await handle.close();
  }
}

function code(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? (error instanceof Error ? error.message : String(error));
}
