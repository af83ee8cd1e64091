import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { LockfileSyntaxError } from '../../src/lockfiles/dependency.js';
import { parseNpmLock } from '../../src/lockfiles/npm-lock.js';
import { fixture, repoLockPath } from './fixtures.js';

interface LockEntry {
  version?: string;
  integrity?: string;
  dependencies?: Record<string, LockEntry>;
}

describe('parseNpmLock', () => {
  const text = readFileSync(repoLockPath, 'utf8');
  const lock = JSON.parse(text) as { lockfileVersion: number; packages: Record<string, LockEntry> };

  it("reads one entry per `packages` entry with an integrity in this repository's package-lock.json", () => {
    const deps = parseNpmLock(text, 'package-lock.json');
    const pinned = Object.entries(lock.packages).filter(([, entry]) => entry.integrity);
    assert.ok(lock.lockfileVersion >= 2);
    assert.ok(pinned.length > 50);
    assert.equal(deps.length, pinned.length);
    assert.ok(deps.every((d) => d.source === 'package-lock.json' && /^sha(1|256|384|512)-/.test(d.digest)));
    assert.ok(!deps.some((d) => d.name === '' || d.name.startsWith('@pipewatch/')), 'root and workspace links are skipped');
  });

  it('gives zod the version and integrity the lockfile pins', () => {
    const zod = lock.packages['node_modules/zod'];
    assert.ok(zod?.version && zod.integrity);
    const found = parseNpmLock(text, 'package-lock.json').filter((d) => d.name === 'zod');
    assert.deepEqual(found, [{ name: 'zod', version: zod.version, digest: zod.integrity, source: 'package-lock.json' }]);
  });

  it('reads a lockfileVersion 1 dependency tree, nested entries included', () => {
    const v1text = fixture('npm-v1-package-lock.json');
    const v1 = JSON.parse(v1text) as { lockfileVersion: number; dependencies: Record<string, LockEntry> };
    assert.equal(v1.lockfileVersion, 1);
    const expected: string[] = [];
    const walk = (deps: Record<string, LockEntry> | undefined) => {
      for (const [name, entry] of Object.entries(deps ?? {})) {
        if (entry.integrity) expected.push(`${name}@${entry.version} ${entry.integrity}`);
        walk(entry.dependencies);
      }
    };
    walk(v1.dependencies);
    const deps = parseNpmLock(v1text, 'package-lock.json');
    assert.deepEqual(deps.map((d) => `${d.name}@${d.version} ${d.digest}`).sort(), expected.sort());
    assert.ok(Object.keys(v1.dependencies['@babel/core']?.dependencies ?? {}).length > 0, 'the excerpt has nested entries');
    const nested = v1.dependencies['@babel/core']!.dependencies!.semver!;
    assert.ok(deps.some((d) => d.name === 'semver' && d.version === nested.version && d.digest === nested.integrity));
  });

  it('reads only `packages` from a lockfileVersion 2 file that also carries `dependencies`', () => {
    const v2text = fixture('npm-v2-package-lock.json');
    const v2 = JSON.parse(v2text) as { lockfileVersion: number; packages: Record<string, LockEntry>; dependencies: object };
    assert.equal(v2.lockfileVersion, 2);
    assert.ok(Object.keys(v2.dependencies).length > 0);
    const deps = parseNpmLock(v2text, 'npm-shrinkwrap.json');
    assert.equal(deps.length, Object.values(v2.packages).filter((e) => e.integrity).length);
    const semver = v2.packages['node_modules/@babel/core/node_modules/semver']!;
    assert.ok(deps.some((d) => d.name === 'semver' && d.version === semver.version && d.digest === semver.integrity));
  });

  it('throws a LockfileSyntaxError for text that is not a lockfile', () => {
    assert.throws(() => parseNpmLock('{"packages": {', 'package-lock.json'), LockfileSyntaxError);
    assert.throws(() => parseNpmLock('[1, 2]', 'package-lock.json'), LockfileSyntaxError);
  });
});
