import { createHash } from 'node:crypto';
import type { RunEvent } from '@pipewatch/shared';

/** One locked package as the run event carries it (the contract's `Dependency`). */
export type Dependency = NonNullable<RunEvent['dependencies']>[number];

/** A lockfile that cannot be read as its format; the workspace reader turns it into an `errors` entry. */
export class LockfileSyntaxError extends Error {
  constructor(message: string, readonly line?: number) {
    super(line === undefined ? message : `line ${line}: ${message}`);
    this.name = 'LockfileSyntaxError';
  }
}

/**
 * Builds a contract-valid dependency, or undefined when the lockfile gave a name or digest the
 * contract would refuse (empty or too long): one odd entry must not sink the whole event.
 */
export function dependency(name: string, version: string | undefined, digest: string, source: string): Dependency | undefined {
  if (name.length < 1 || name.length > 500 || digest.length < 1 || digest.length > 200) return undefined;
  const dep: Dependency = { name, digest, source };
  if (version && version.length <= 200) dep.version = version;
  return dep;
}

/**
 * Python lockfiles pin one hash per artifact (sdist and each wheel). A single hash is kept as
 * written (`sha256:<hex>`). Several are folded into `files-sha256:<hex>`, the sha256 of the sorted,
 * de-duplicated `algo:hex` list: picking one of them would let a swapped wheel that is not the
 * chosen one go unseen, and joining them all overflows the contract's 200 characters. Sorting makes
 * it independent of the order the lockfile lists files in; the distinct prefix keeps it from being
 * mistaken for the hash of a real file.
 */
export function pythonDigest(hashes: Iterable<string>): string | undefined {
  const unique = [...new Set([...hashes].map((h) => h.trim().toLowerCase()).filter((h) => /^[a-z0-9]+:[0-9a-f]+$/.test(h)))].sort();
  if (unique.length === 0) return undefined;
  if (unique.length === 1) return unique[0];
  return `files-sha256:${createHash('sha256').update(unique.join('\n')).digest('hex')}`;
}
