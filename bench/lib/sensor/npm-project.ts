// A throw-away npm project whose package-lock.json is cut out of this repository's own lockfile,
// so `npm ci --offline` installs it from the npm cache `npm install` of the repository filled
// (no registry request: a package missing from the cache fails the run instead of fetching).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Direct dependencies: a mix of large single packages (typescript) and deep trees (mocha, fastify, winston). */
export const NPM_CI_ROOTS = ['zod', 'commander', 'yaml', 'fast-check', 'mocha', 'typescript', 'fastify', 'pino', 'winston', 'kafkajs', '@elastic/elasticsearch', 'tsx', 'prom-client'];

interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  dev?: boolean;
  devOptional?: boolean;
  peer?: boolean;
  [key: string]: unknown;
}

export interface NpmProject {
  dir: string;
  packages: number;
  dependencies: Record<string, string>;
}

/** Writes package.json and package-lock.json into a new temp dir: `roots` at the versions the repository locks, and their closure. */
export function createNpmProject(repoLockPath: string, roots: readonly string[] = NPM_CI_ROOTS): NpmProject {
  const lock = JSON.parse(readFileSync(repoLockPath, 'utf8')) as { packages: Record<string, LockEntry> };
  const picked: Record<string, LockEntry> = {};
  // Node's lookup: <from>/node_modules/<dep>, then each enclosing node_modules up to the top.
  const resolve = (from: string, dep: string): string | undefined => {
    let base = from;
    for (;;) {
      const path = `${base ? `${base}/` : ''}node_modules/${dep}`;
      if (lock.packages[path]) return path;
      if (!base) return undefined;
      const cut = base.lastIndexOf('/node_modules/');
      base = cut < 0 ? '' : base.slice(0, cut);
    }
  };
  const visit = (path: string): void => {
    if (picked[path]) return;
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...entry } = lock.packages[path]!;
    picked[path] = entry;
    const optional = entry.optionalDependencies ?? {};
    for (const dep of Object.keys({ ...(entry.dependencies ?? {}), ...optional })) {
      const found = resolve(path, dep);
      if (found) visit(found);
      else if (!(dep in optional)) throw new Error(`${path} needs ${dep}, which the repository's lockfile does not hold`);
    }
  };
  const dependencies: Record<string, string> = {};
  for (const root of roots) {
    const path = `node_modules/${root}`;
    const version = lock.packages[path]?.version;
    if (!version) throw new Error(`${root} is not in the repository's lockfile`);
    dependencies[root] = version;
    visit(path);
  }
  const dir = mkdtempSync(join(tmpdir(), 'pipewatch-bench-sensor-npm-'));
  const name = 'pipewatch-bench-sensor-npm-ci';
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name, version: '1.0.0', private: true, dependencies }, null, 2)}\n`);
  writeFileSync(
    join(dir, 'package-lock.json'),
    `${JSON.stringify({ name, version: '1.0.0', lockfileVersion: 3, requires: true, packages: { '': { name, version: '1.0.0', dependencies }, ...picked } }, null, 2)}\n`,
  );
  return { dir, packages: Object.keys(picked).length, dependencies };
}
