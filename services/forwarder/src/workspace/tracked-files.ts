import { statSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import type { ObjectFormat } from './git-blob-hash.js';
import { CONVERSION_ATTRIBUTES, mayConvert, parseCheckAttr, parseConfigList, parseLsFiles, parseStatusWorktreeDirty } from './git-output.js';
import { runGit } from './run-git.js';
import { hashWorktreePath, mapLimit } from './worktree-hash.js';

/** One tracked path as it stood when the run started. */
export interface TrackedEntry {
  /** Repository-relative, '/'-separated. */
  path: string;
  /** Position in the sorted list of tracked paths (0 ≤ ordinal < count): a compact key. */
  ordinal: number;
  /** Index mode: '100644', '100755' or '120000' (symlink). Submodules are not listed. */
  mode: string;
  /** Blob id of the content at start; undefined when the tracked file was absent from the working tree. */
  before: string | undefined;
  /** true when `before` was hashed from the working tree at start rather than taken from the index. */
  hashedAtStart: boolean;
}

export interface TrackedFiles {
  /** The top level of the repository, as git reports it (physical path). */
  readonly root: string;
  readonly objectFormat: ObjectFormat;
  readonly count: number;
  /** How many `before` ids came from hashing the working tree at start (dirty, unmerged, converted...). */
  readonly hashedAtStart: number;
  isTracked(absPath: string): boolean;
  /** Repository-relative path of any path inside the working tree (tracked or not); undefined outside it. */
  relative(absPath: string): string | undefined;
  /** Blob id at start of a tracked path; undefined when untracked or absent at start (see `entry`). */
  blobBefore(absPath: string): string | undefined;
  entry(absPath: string): TrackedEntry | undefined;
  /** Absolute path (under `root`) of a repository-relative one. */
  absolute(relPath: string): string;
  /** Tracked entries strictly below a directory (for a renamed or removed directory). */
  under(absDir: string): TrackedEntry[];
  /** The tracked regular file that had this (dev, ino) at start: a hard link or symlink elsewhere reaching it. */
  byIdentity(dev: number, ino: number): TrackedEntry | undefined;
}

export interface LoadTrackedOptions {
  /** Bound for each git command (default 5 s); past it the inventory is abandoned (undefined). */
  timeoutMs?: number;
  /** stat every tracked file at start to recognise writes through hard links and symlinks (default true). */
  identities?: boolean;
}

const SUBMODULE = '160000';

/**
 * The repository's tracked files and what each held at start, or undefined when `dir`
 * is not in a git working tree, git is missing, or git did not answer in time.
 * `before` is the index blob id, except where the working tree cannot be trusted to
 * match it (modified or deleted already, unmerged, assume-unchanged / skip-worktree,
 * or converted on checkout: CRLF, filters such as LFS, ident, re-encoding): those are
 * hashed now, so a later comparison is between working-tree bytes and working-tree bytes.
 */
export async function loadTrackedFiles(dir: string, options: LoadTrackedOptions = {}): Promise<TrackedFiles | undefined> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const top = await runGit(dir, ['rev-parse', '--show-toplevel'], timeoutMs);
  if (top?.code !== 0) return undefined;
  const root = top.stdout.toString('utf8').replace(/\n$/, '');
  if (!root) return undefined; // inside .git itself, or a bare repository
  const git = (args: string[], stdin?: Buffer) => runGit(root, args, timeoutMs, stdin);

  const [format, listing, status, config] = await Promise.all([
    git(['rev-parse', '--show-object-format']),
    git(['ls-files', '-s', '-v', '-z']),
    git(['status', '--porcelain=v1', '-z', '--untracked-files=no', '--ignore-submodules=all', '--no-renames']),
    git(['config', '-z', '--get-regexp', '^(core\\.autocrlf|core\\.eol|filter\\..*\\.(clean|smudge|process))$']),
  ]);
  if (listing?.code !== 0 || status?.code !== 0) return undefined;
  const entries = parseLsFiles(listing.stdout).filter((e) => e.mode !== SUBMODULE);
  // Older git has no --show-object-format; the id length tells the same.
  const objectFormat: ObjectFormat =
    format?.code === 0 ? (format.stdout.toString().trim() === 'sha256' ? 'sha256' : 'sha1') : entries[0]?.id.length === 64 ? 'sha256' : 'sha1';

  const distrust = new Set(parseStatusWorktreeDirty(status.stdout));
  for (const e of entries) if (e.stage !== 0 || e.tag === 'S' || e.tag !== e.tag.toUpperCase()) distrust.add(e.path);
  const configValues = config?.code === 0 ? parseConfigList(config.stdout) : new Map<string, string>();
  const paths = [...new Set(entries.map((e) => e.path))].sort();
  const attrs = await git(['check-attr', '-z', '--stdin', ...CONVERSION_ATTRIBUTES], Buffer.from(paths.map((p) => `${p}\0`).join('')));
  // No answer from check-attr: assume no conversion (a CRLF/LFS repo then shows false "changed").
  const byAttr = attrs?.code === 0 ? parseCheckAttr(attrs.stdout) : new Map<string, Map<string, string>>();
  for (const p of paths) if (mayConvert(byAttr.get(p), configValues)) distrust.add(p);

  const byPath = new Map<string, TrackedEntry>();
  for (const e of entries) {
    if (byPath.has(e.path)) continue; // unmerged: stages 1-3 of one path
    byPath.set(e.path, { path: e.path, ordinal: 0, mode: e.mode, before: e.id, hashedAtStart: false });
  }
  paths.forEach((p, ordinal) => {
    const entry = byPath.get(p);
    if (entry) entry.ordinal = ordinal;
  });

  const absolute = (rel: string): string => `${root}/${rel}`;
  await mapLimit([...distrust].filter((p) => byPath.has(p)), 16, async (p) => {
    const entry = byPath.get(p) as TrackedEntry;
    const state = await hashWorktreePath(absolute(p), objectFormat).catch(() => undefined);
    // Unreadable at start: keep the index id (a later readable hash will be compared to it).
    if (!state) return;
    entry.before = state.kind === 'blob' ? state.id : undefined;
    entry.hashedAtStart = true;
  });

  const identities = options.identities ?? true ? await statIdentities([...byPath.values()], absolute) : new Map<string, TrackedEntry>();

  const roots = await rootAliases(root, dir);
  const relative = (absPath: string): string | undefined => {
    const p = resolve(absPath);
    for (const r of roots) {
      if (p === r) return '';
      if (p.startsWith(r + sep)) return p.slice(r.length + 1);
    }
    return undefined;
  };
  const entry = (absPath: string): TrackedEntry | undefined => {
    const rel = relative(absPath);
    return rel === undefined ? undefined : byPath.get(rel);
  };
  const hashedAtStart = [...byPath.values()].filter((e) => e.hashedAtStart).length;

  return {
    root,
    objectFormat,
    count: byPath.size,
    hashedAtStart,
    isTracked: (absPath) => entry(absPath) !== undefined,
    relative,
    blobBefore: (absPath) => entry(absPath)?.before,
    entry,
    absolute,
    under(absDir) {
      const rel = relative(absDir);
      if (rel === undefined) return [];
      const prefix = rel === '' ? '' : `${rel}/`;
      const found: TrackedEntry[] = [];
      // paths is sorted, so the entries under a prefix are contiguous.
      for (let i = lowerBound(paths, prefix); i < paths.length && (paths[i] as string).startsWith(prefix); i += 1) {
        const e = byPath.get(paths[i] as string);
        if (e) found.push(e);
      }
      return found;
    },
    byIdentity: (dev, ino) => identities.get(`${dev}:${ino}`),
  };
}

/**
 * (dev, ino) of each tracked regular file. statSync in slices, yielding between them:
 * several times faster than one async stat per file through the thread pool (20k files:
 * ~130 ms against ~900 ms), without holding the event loop for long.
 */
async function statIdentities(entries: readonly TrackedEntry[], absolute: (rel: string) => string): Promise<Map<string, TrackedEntry>> {
  const identities = new Map<string, TrackedEntry>();
  for (let i = 0; i < entries.length; i += 1) {
    if (i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve));
    const entry = entries[i] as TrackedEntry;
    if (entry.mode === '120000') continue; // a symlink's target, if tracked, has its own entry
    try {
      const s = statSync(absolute(entry.path), { throwIfNoEntry: false });
      if (s?.isFile()) identities.set(`${s.dev}:${s.ino}`, entry);
    } catch {
      // unreadable directory on the way: that file just cannot be reached by identity
    }
  }
  return identities;
}

/** The sensor may report the working tree through another spelling than git's (a symlinked checkout dir). */
async function rootAliases(root: string, dir: string): Promise<string[]> {
  const aliases = new Set([root]);
  const realRoot = await realpath(root).catch(() => root);
  aliases.add(realRoot);
  const realDir = await realpath(dir).catch(() => undefined);
  const logicalDir = resolve(dir);
  if (realDir && (realDir === realRoot || realDir.startsWith(realRoot + sep))) {
    const suffix = realDir.slice(realRoot.length);
    if (logicalDir.endsWith(suffix)) aliases.add(logicalDir.slice(0, logicalDir.length - suffix.length) || sep);
  }
  return [...aliases];
}

function lowerBound(sorted: readonly string[], value: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as string) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
