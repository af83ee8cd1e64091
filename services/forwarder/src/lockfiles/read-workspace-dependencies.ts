import { readdir, readFile, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { Dependency } from './dependency.js';
import { parseCargoLock } from './cargo-lock.js';
import { parseGoSum } from './go-sum.js';
import { parseNpmLock } from './npm-lock.js';
import { parsePipRequirements } from './pip-requirements.js';
import { parsePnpmLock } from './pnpm-lock.js';
import { parsePoetryLock } from './poetry-lock.js';
import { parseUvLock } from './uv-lock.js';
import { parseYarnLock } from './yarn-lock.js';

export type LockfileParser = (text: string, source: string) => Dependency[];

export interface ReadWorkspaceOptions {
  /** Directory entries the walk may look at before it stops (default 20 000). */
  maxFiles?: number;
  /** Dependencies returned; the contract allows 5000, which is also the ceiling (default 5000). */
  maxEntries?: number;
  /** Lockfiles larger than this are skipped and named in `errors` (default 50 MiB). */
  maxBytesPerFile?: number;
  /** Directory levels below the workspace the walk descends (default 6). */
  maxDepth?: number;
}

export interface WorkspaceDependencies {
  dependencies: Dependency[];
  /** Lockfiles read and parsed, relative to the workspace, in walk order (the others are in `errors`). */
  lockfiles: string[];
  /** Dependencies left out beyond `maxEntries`. */
  truncated: number;
  errors: { path: string; error: string }[];
}

const CONTRACT_MAX_DEPENDENCIES = 5000;
/** Installed trees, virtualenvs and build output hold other projects' lockfiles, not this one's. */
const SKIP_DIRS = new Set(['node_modules', 'vendor', 'target', '.venv', '.git']);

const PARSERS: Record<string, LockfileParser> = {
  'package-lock.json': parseNpmLock,
  'npm-shrinkwrap.json': parseNpmLock,
  'yarn.lock': parseYarnLock,
  'pnpm-lock.yaml': parsePnpmLock,
  'poetry.lock': parsePoetryLock,
  'uv.lock': parseUvLock,
  'go.sum': parseGoSum,
  'Cargo.lock': parseCargoLock,
};

/**
 * The parser for a file, by name: the fixed lockfile names, plus pip's `requirements*.txt`
 * anywhere and any `*.txt` in a `requirements/` folder (pip-compile's usual layouts).
 */
export function lockfileParser(relativePath: string): LockfileParser | undefined {
  const name = posix.basename(relativePath);
  const parent = posix.basename(posix.dirname(relativePath));
  if (Object.hasOwn(PARSERS, name)) return PARSERS[name];
  if (/^requirements.*\.txt$/i.test(name) || (parent === 'requirements' && name.endsWith('.txt'))) return parsePipRequirements;
  return undefined;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Walks the workspace breadth first in name order (so the same tree always yields the same list,
 * and the root's lockfiles are read before nested ones), without following symlinks (a link could
 * lead out of the workspace), skipping hidden and installed-dependency directories.
 */
async function findLockfiles(workspace: string, maxFiles: number, maxDepth: number, errors: WorkspaceDependencies['errors']): Promise<string[]> {
  const found: string[] = [];
  let seen = 0;
  let level = [''];
  for (let depth = 0; depth <= maxDepth && level.length > 0; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      let entries;
      try {
        entries = await readdir(join(workspace, dir), { withFileTypes: true });
      } catch (error) {
        errors.push({ path: dir || '.', error: `cannot list: ${message(error)}` });
        continue;
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) {
        if (++seen > maxFiles) {
          errors.push({ path: dir || '.', error: `walk stopped after ${maxFiles} entries; lockfiles beyond may be missing` });
          return found;
        }
        const path = dir ? `${dir}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
          if (!entry.name.startsWith('.') && !SKIP_DIRS.has(entry.name)) next.push(path);
        } else if (entry.isFile() && lockfileParser(path)) {
          found.push(path);
        }
      }
    }
    level = next;
  }
  return found;
}

/**
 * The dependencies pinned by the lockfiles in `workspace`, for the run event's `dependencies[]`.
 * Never throws for a bad lockfile: an unreadable, oversized or malformed file becomes an `errors`
 * entry and the others are still read. Identical entries (same name, version, digest and lockfile,
 * e.g. one package installed at several node_modules paths) are kept once.
 */
export async function readWorkspaceDependencies(workspace: string, options: ReadWorkspaceOptions = {}): Promise<WorkspaceDependencies> {
  const maxEntries = Math.max(0, Math.min(options.maxEntries ?? CONTRACT_MAX_DEPENDENCIES, CONTRACT_MAX_DEPENDENCIES));
  const maxBytes = options.maxBytesPerFile ?? 50 * 1024 * 1024;
  const errors: WorkspaceDependencies['errors'] = [];
  const lockfiles = await findLockfiles(workspace, options.maxFiles ?? 20_000, options.maxDepth ?? 6, errors);
  const dependencies: Dependency[] = [];
  const keys = new Set<string>();
  let truncated = 0;
  const read: string[] = [];
  for (const path of lockfiles) {
    if (path.length > 2000) {
      errors.push({ path: path.slice(0, 200), error: 'path longer than the 2000 characters a dependency source may have' });
      continue;
    }
    let parsed: Dependency[];
    try {
      const file = join(workspace, path);
      const { size } = await stat(file);
      if (size > maxBytes) {
        errors.push({ path, error: `skipped: ${size} bytes is over the ${maxBytes}-byte limit` });
        continue;
      }
      const text = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '');
      parsed = lockfileParser(path)!(text, path);
    } catch (error) {
      errors.push({ path, error: message(error) });
      continue;
    }
    read.push(path);
    for (const dep of parsed) {
      const key = [dep.name, dep.version ?? '', dep.digest, dep.source ?? ''].join('\0');
      if (keys.has(key)) continue;
      keys.add(key);
      if (dependencies.length < maxEntries) dependencies.push(dep);
      else truncated++;
    }
  }
  return { dependencies, lockfiles: read, truncated, errors };
}
