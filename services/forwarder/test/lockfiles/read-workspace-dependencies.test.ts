import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Dependency as DependencySchema } from '@pipewatch/shared';
import { readWorkspaceDependencies } from '../../src/lockfiles/read-workspace-dependencies.js';
import { fixturePath, repoLockPath } from './fixtures.js';

describe('readWorkspaceDependencies', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'pipewatch-lockfiles-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const put = async (path: string, from: string | { text: string }) => {
    const target = join(root, path);
    await mkdir(dirname(target), { recursive: true });
    if (typeof from === 'string') await copyFile(from, target);
    else await writeFile(target, from.text);
  };

  it('finds lockfiles by name, names each by its workspace path, and skips installed trees and hidden dirs', async () => {
    await put('package-lock.json', repoLockPath);
    await put('services/api/go.sum', fixturePath('cobra-go.sum'));
    await put('crates/Cargo.lock', fixturePath('cargo-v4.lock'));
    await put('py/requirements/main.txt', fixturePath('pip-compile-hashes.txt'));
    await put('web/yarn.lock', fixturePath('yarn-berry-v8.lock'));
    await put('node_modules/some-pkg/package-lock.json', fixturePath('npm-v2-package-lock.json'));
    await put('web/node_modules/.pnpm/pnpm-lock.yaml', fixturePath('pnpm-lock-v9.yaml'));
    await put('vendor/x/go.sum', fixturePath('cobra-go.sum'));
    await put('crates/target/debug/Cargo.lock', fixturePath('cargo-v1.lock'));
    await put('.venv/lib/requirements.txt', fixturePath('pip-compile-hashes.txt'));
    await put('.github/uv.lock', fixturePath('uv-r3.lock'));
    await put('a/b/c/d/e/f/g/go.sum', fixturePath('cobra-go.sum')); // deeper than the walk goes

    const result = await readWorkspaceDependencies(root);
    assert.deepEqual(result.lockfiles, [
      'package-lock.json', // breadth first, in name order: the root's lockfiles come first
      'crates/Cargo.lock',
      'web/yarn.lock',
      'py/requirements/main.txt',
      'services/api/go.sum',
    ]);
    assert.deepEqual(result.errors, []);
    assert.equal(result.truncated, 0);
    assert.deepEqual(new Set(result.dependencies.map((d) => d.source)), new Set(result.lockfiles));
    for (const dep of result.dependencies) assert.ok(DependencySchema.safeParse(dep).success, JSON.stringify(dep));
  });

  it('keeps identical entries once and turns a malformed, oversized or unreadable file into an error entry', async () => {
    const goSum = await readFile(fixturePath('cobra-go.sum'), 'utf8');
    await put('go.sum', { text: `${goSum.trimEnd()}\n${goSum}` });
    await put('broken/package-lock.json', { text: '{"lockfileVersion": 3, "packages": {' });
    await put('broken/poetry.lock', { text: '[[package]]\nname = "x"\nfiles = [\n' });
    await put('big/Cargo.lock', { text: '#'.repeat(8192) });

    const result = await readWorkspaceDependencies(root, { maxBytesPerFile: 4096 });
    assert.equal(result.dependencies.length, goSum.trim().split('\n').filter((l) => !l.includes('/go.mod ')).length);
    assert.deepEqual(result.lockfiles, ['go.sum']);
    assert.deepEqual(result.errors.map((e) => e.path).sort(), ['big/Cargo.lock', 'broken/package-lock.json', 'broken/poetry.lock']);
    assert.match(result.errors.find((e) => e.path === 'big/Cargo.lock')!.error, /8192 bytes is over the 4096-byte limit/);
    assert.match(result.errors.find((e) => e.path === 'broken/poetry.lock')!.error, /never closed/);
  });

  it('bounds the result at 5000 entries and counts the rest as truncated', async () => {
    const hash = 'h1:' + Buffer.alloc(32, 7).toString('base64');
    const lines = Array.from({ length: 6200 }, (_, i) => `example.com/m${i} v1.0.${i} ${hash}`);
    await put('go.sum', { text: lines.join('\n') + '\n' });
    const all = await readWorkspaceDependencies(root, { maxEntries: 10_000 });
    assert.equal(all.dependencies.length, 5000, 'never more than the contract allows');
    assert.equal(all.truncated, 1200);
    assert.equal(all.dependencies[0]!.name, 'example.com/m0');
    const few = await readWorkspaceDependencies(root, { maxEntries: 10 });
    assert.equal(few.dependencies.length, 10);
    assert.equal(few.truncated, 6190);
  });

  it('a changed integrity in a copy of the lockfile changes exactly that dependency', async () => {
    const text = await readFile(repoLockPath, 'utf8');
    const zod = (JSON.parse(text) as { packages: Record<string, { version: string; integrity: string }> }).packages['node_modules/zod']!;
    assert.equal(text.split(zod.integrity).length, 2, 'the integrity appears once');
    const swapped = 'sha512-' + Buffer.alloc(64, 1).toString('base64');
    await put('a/package-lock.json', { text });
    await put('b/package-lock.json', { text: text.replace(zod.integrity, swapped) });

    const { dependencies } = await readWorkspaceDependencies(root);
    const key = (d: { name: string; version?: string; digest: string }) => `${d.name}@${d.version} ${d.digest}`;
    const a = new Set(dependencies.filter((d) => d.source === 'a/package-lock.json').map(key));
    const b = new Set(dependencies.filter((d) => d.source === 'b/package-lock.json').map(key));
    assert.equal(a.size, b.size);
    assert.deepEqual([...a].filter((k) => !b.has(k)), [`zod@${zod.version} ${zod.integrity}`]);
    assert.deepEqual([...b].filter((k) => !a.has(k)), [`zod@${zod.version} ${swapped}`]);
  });

  it('stops walking after maxFiles entries and does not follow symlinks', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'pipewatch-outside-'));
    try {
      await copyFile(fixturePath('cobra-go.sum'), join(outside, 'go.sum'));
      await symlink(outside, join(root, 'linked'));
      await symlink(join(outside, 'go.sum'), join(root, 'go.sum'));
      const linked = await readWorkspaceDependencies(root);
      assert.deepEqual(linked.lockfiles, []);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
    for (let i = 0; i < 30; i++) await put(`d${String(i).padStart(2, '0')}/readme.md`, { text: '' });
    await put('zz/go.sum', fixturePath('cobra-go.sum'));
    const bounded = await readWorkspaceDependencies(root, { maxFiles: 20 });
    assert.deepEqual(bounded.lockfiles, []);
    assert.match(bounded.errors[0]!.error, /walk stopped after 20 entries/);
  });

  it('reports a workspace that cannot be listed as an error, not a throw', async () => {
    const result = await readWorkspaceDependencies(join(root, 'missing'));
    assert.deepEqual(result.dependencies, []);
    assert.equal(result.errors.length, 1);
  });
});
