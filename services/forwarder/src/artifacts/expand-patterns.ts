import { stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { sidecarOwner } from './sidecar-files.js';

export interface ExpandedPatterns {
  /** Absolute paths, each once, in the order the patterns found them. */
  files: string[];
  errors: { pattern: string; error: string }[];
}

/**
 * Turns paths and globs into files. A glob that matches nothing, or a path that is not
 * there, is an error entry: a release step that attests nothing should say so. Signature
 * files a glob picks up beside their artifact are left out; they are not artifacts.
 */
export async function expandPatterns(patterns: readonly string[], cwd: string, maxFiles: number): Promise<ExpandedPatterns> {
  const seen = new Set<string>();
  const files: string[] = [];
  const errors: ExpandedPatterns['errors'] = [];
  for (const pattern of patterns) {
    if (files.length >= maxFiles) {
      errors.push({ pattern, error: `not expanded: already ${maxFiles} files` });
      continue;
    }
    let matched: string[];
    try {
      matched = isDynamicPattern(pattern) ? await globFiles(pattern, cwd) : await literalFile(pattern, cwd);
    } catch (error) {
      errors.push({ pattern, error: (error as Error).message });
      continue;
    }
    if (matched.length === 0) errors.push({ pattern, error: 'matched no file' });
    for (const file of matched) {
      if (seen.has(file)) continue;
      if (files.length >= maxFiles) {
        errors.push({ pattern, error: `more than ${maxFiles} files; the rest were left out` });
        break;
      }
      seen.add(file);
      files.push(file);
    }
  }
  return { files, errors };
}

async function globFiles(pattern: string, cwd: string): Promise<string[]> {
  const found = await glob(pattern, { cwd, absolute: true, onlyFiles: true, expandDirectories: false });
  const all = new Set(found.map((file) => resolve(file)));
  return [...all].filter((file) => {
    const owner = sidecarOwner(file);
    return owner === undefined || !all.has(owner);
  }).sort();
}

async function literalFile(path: string, cwd: string): Promise<string[]> {
  const absolute = resolve(cwd, path);
  let info;
  try {
    info = await stat(absolute);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('no such file');
    throw error;
  }
  if (info.isDirectory()) throw new Error('is a directory; give a glob such as dir/**');
  if (!info.isFile()) throw new Error('not a regular file');
  return [absolute];
}

/** The artifact's `name`: its path from cwd, with forward slashes on every platform. */
export function artifactName(file: string, cwd: string): string {
  const name = relative(cwd, file);
  return (name === '' || isAbsolute(name) ? file : name).split(sep).join('/');
}
