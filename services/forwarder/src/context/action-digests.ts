import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { envValue, type Env } from './env.js';
import { digestTree, type TreeBudget, type TreeDigest } from './tree-digest.js';

export interface ActionDigest extends TreeDigest {
  /** `owner/repo@ref` as the workflow wrote it; `uses: owner/repo/sub@ref` downloads the same tree. */
  action: string;
}

export interface DigestLimits {
  /** Directory entries read over all actions. */
  maxFiles?: number;
  /** File content bytes hashed over all actions. */
  maxBytes?: number;
}

export const DEFAULT_MAX_FILES = 20_000;
export const DEFAULT_MAX_BYTES = 500 * 1024 * 1024;

/** The runner marks a finished download with an empty `<ref>.completed` file beside the `<ref>` directory. */
const WATERMARK = '.completed';
/** Refs with slashes (`releases/v1`) nest directories; deeper than this is not a ref. */
const MAX_REF_DEPTH = 4;

/**
 * The runner's `_actions` directory: `<work>/_actions`, where RUNNER_WORKSPACE is
 * `<work>/<repo>` (`/home/runner/work/app` on GitHub-hosted runners, `/__w/app` in a job
 * container, which sees the same work directory mounted).
 */
export function actionsRootFromEnv(env: Env): string | undefined {
  const workspace = envValue(env, 'RUNNER_WORKSPACE');
  return workspace ? join(workspace, '..', '_actions') : undefined;
}

/**
 * A content digest of each downloaded action under `_actions/<owner>/<repo>/<ref>`. The
 * runner downloads by name and ref, so a moved tag (tj-actions/changed-files, March 2025)
 * shows as the same `owner/repo@ref` with another digest. Sorted by action; bounded over the
 * whole call, past which actions are listed `truncated` without a digest. An absent root
 * (no actions used yet) gives an empty list; other errors reading the root propagate.
 * Entries beginning with `_` or `.` at the owner level are the runner's own (`_temp_<guid>`
 * download staging) and are skipped; GitHub owner names cannot start with either.
 */
export async function actionDirectoryDigests(actionsRoot: string, limits: DigestLimits = {}): Promise<ActionDigest[]> {
  const budget: TreeBudget = { entries: limits.maxFiles ?? DEFAULT_MAX_FILES, bytes: limits.maxBytes ?? DEFAULT_MAX_BYTES };
  let owners: string[];
  try {
    owners = await subdirectories(actionsRoot);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw error;
  }
  const found: { action: string; dir: string }[] = [];
  for (const owner of owners.filter((name) => !name.startsWith('_') && !name.startsWith('.'))) {
    for (const repo of await subdirectories(join(actionsRoot, owner)).catch(() => [])) {
      const repoDir = join(actionsRoot, owner, repo);
      for (const ref of await refsIn(repoDir, '', 0)) {
        found.push({ action: `${owner}/${repo}@${ref}`, dir: join(repoDir, ...ref.split('/')) });
      }
    }
  }
  found.sort((a, b) => (a.action < b.action ? -1 : a.action > b.action ? 1 : 0));
  const out: ActionDigest[] = [];
  for (const { action, dir } of found) {
    if (budget.entries <= 0 || budget.bytes <= 0) {
      out.push({ action, files: 0, bytes: 0, truncated: true });
      continue;
    }
    try {
      out.push({ action, ...(await digestTree(dir, budget)) });
    } catch (error) {
      out.push({ action, files: 0, bytes: 0, error: (error as NodeJS.ErrnoException).code ?? String(error) });
    }
  }
  return out;
}

/**
 * The ref directories under `dir`. A directory with a watermark beside it is a ref; an
 * unmarked one is a ref too (an interrupted download is still code on disk) unless marked
 * refs sit below it, in which case it is the first part of a slashed ref.
 */
async function refsIn(dir: string, prefix: string, depth: number): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const names = new Set(entries.map((entry) => entry.name));
  const refs: string[] = [];
  for (const name of [...names].sort()) {
    if (name.endsWith(WATERMARK) && names.has(name.slice(0, -WATERMARK.length))) continue;
    const full = join(dir, name);
    // The ref directory may be a symlink into the runner's action cache.
    if (!(await stat(full).then((s) => s.isDirectory(), () => false))) continue;
    const ref = prefix ? `${prefix}/${name}` : name;
    if (names.has(name + WATERMARK)) refs.push(ref);
    else if (depth < MAX_REF_DEPTH && (await hasWatermarkBelow(full, depth + 1))) refs.push(...(await refsIn(full, ref, depth + 1)));
    else refs.push(ref);
  }
  return refs;
}

async function hasWatermarkBelow(dir: string, depth: number): Promise<boolean> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const dirs = new Set(entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name));
  if (entries.some((entry) => entry.isFile() && entry.name.endsWith(WATERMARK) && dirs.has(entry.name.slice(0, -WATERMARK.length)))) return true;
  if (depth >= MAX_REF_DEPTH) return false;
  for (const name of dirs) if (await hasWatermarkBelow(join(dir, name), depth + 1)) return true;
  return false;
}

async function subdirectories(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
}
