import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
  dev?: boolean;
}

/** We ask users to verify checksums (M1591); our own dependencies are pinned by theirs. */
describe('package-lock.json', () => {
  const lock = JSON.parse(readFileSync(root('package-lock.json'), 'utf8')) as { lockfileVersion: number; packages: Record<string, LockEntry> };
  const installed = Object.entries(lock.packages).filter(([path, entry]) => path.includes('node_modules/') && !entry.link);

  it('is a v3 lockfile with every installed package pinned to a version and a sha512 integrity hash', () => {
    assert.equal(lock.lockfileVersion, 3);
    assert.ok(installed.length > 100, `only ${installed.length} packages`);
    const unpinned = installed.filter(([, entry]) => !entry.version || !/^sha512-[A-Za-z0-9+/]+={0,2}$/.test(entry.integrity ?? ''));
    assert.deepEqual(unpinned.map(([path]) => path), []);
  });

  it('lists every dependency a workspace declares', () => {
    const workspaces = (JSON.parse(readFileSync(root('package.json'), 'utf8')) as { workspaces: string[] }).workspaces;
    const missing: string[] = [];
    for (const workspace of ['.', ...workspaces]) {
      const manifest = JSON.parse(readFileSync(root(`${workspace}/package.json`), 'utf8')) as Record<string, Record<string, string> | undefined>;
      for (const name of Object.keys({ ...manifest.dependencies, ...manifest.devDependencies })) {
        const found = lock.packages[`node_modules/${name}`] ?? lock.packages[`${workspace}/node_modules/${name}`];
        if (!found) missing.push(`${workspace}: ${name}`);
      }
    }
    assert.deepEqual(missing, []);
  });
});
