import assert from 'node:assert/strict';
import { mkdtemp, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gitBlobId } from '../../src/workspace/git-blob-hash.js';
import { loadTrackedFiles } from '../../src/workspace/tracked-files.js';
import { git, makeRepo } from './git-repo.js';

const indexId = (dir: string, path: string): string => git(dir, 'rev-parse', `:${path}`).trim();

describe('loadTrackedFiles (a real repository)', () => {
  const cleanup: string[] = [];
  afterEach(async () => {
    for (const dir of cleanup.splice(0)) await rm(dir, { recursive: true, force: true });
  });
  const repo = async (...args: Parameters<typeof makeRepo>): Promise<string> => {
    const dir = await makeRepo(...args);
    cleanup.push(dir);
    return dir;
  };

  it('lists tracked files with their index ids, paths with spaces and newlines included', async () => {
    const dir = await repo({ 'src/a b.c': 'int a;\n', 'odd\nname.h': 'x', 'README.md': '# r\n' });
    await writeFile(join(dir, 'build.o'), 'untracked output');
    const tracked = await loadTrackedFiles(join(dir, 'src'));
    assert.ok(tracked);
    assert.equal(tracked.root, dir);
    assert.equal(tracked.objectFormat, 'sha1');
    assert.equal(tracked.count, 3);
    assert.equal(tracked.hashedAtStart, 0);
    assert.equal(tracked.isTracked(join(dir, 'src/a b.c')), true);
    assert.equal(tracked.isTracked(join(dir, 'odd\nname.h')), true);
    assert.equal(tracked.isTracked(join(dir, 'build.o')), false);
    assert.equal(tracked.isTracked(join(dir, '.git/index')), false);
    assert.equal(tracked.isTracked('/etc/passwd'), false);
    assert.equal(tracked.relative(join(dir, 'src', '..', 'src/a b.c')), 'src/a b.c');
    assert.equal(tracked.relative(join(dir, 'build.o')), 'build.o');
    assert.equal(tracked.relative('/etc/passwd'), undefined);
    assert.equal(tracked.blobBefore(join(dir, 'src/a b.c')), indexId(dir, 'src/a b.c'));
    assert.equal(tracked.blobBefore(join(dir, 'src/a b.c')), gitBlobId('int a;\n'));
    assert.equal(tracked.blobBefore(join(dir, 'build.o')), undefined);
    assert.deepEqual(tracked.under(join(dir, 'src')).map((e) => e.path), ['src/a b.c']);
    assert.deepEqual(tracked.under(dir).length, 3);
  });

  it('uses the working-tree content at start for files already modified or deleted, not the index', async () => {
    const dir = await repo({ 'a.c': 'committed\n', 'b.c': 'b\n', 'c.c': 'c\n' });
    await writeFile(join(dir, 'a.c'), 'edited before the job\n');
    await unlink(join(dir, 'b.c'));
    const tracked = await loadTrackedFiles(dir);
    assert.ok(tracked);
    assert.equal(tracked.blobBefore(join(dir, 'a.c')), gitBlobId('edited before the job\n'));
    assert.notEqual(tracked.blobBefore(join(dir, 'a.c')), indexId(dir, 'a.c'));
    assert.equal(tracked.isTracked(join(dir, 'b.c')), true);
    assert.equal(tracked.blobBefore(join(dir, 'b.c')), undefined, 'absent at start');
    assert.equal(tracked.blobBefore(join(dir, 'c.c')), indexId(dir, 'c.c'));
    assert.equal(tracked.hashedAtStart, 2);
  });

  it('hashes at start the files git converts on checkout (eol=crlf), whose bytes differ from the blob', async () => {
    const dir = await repo({ '.gitattributes': '*.txt eol=crlf\n', 'notes.txt': 'one\ntwo\n', 'plain.c': 'x\n' });
    await unlink(join(dir, 'notes.txt'));
    git(dir, 'checkout', '--', 'notes.txt'); // written back with CRLF
    const tracked = await loadTrackedFiles(dir);
    assert.ok(tracked);
    assert.equal(tracked.blobBefore(join(dir, 'notes.txt')), gitBlobId('one\r\ntwo\r\n'));
    assert.equal(tracked.blobBefore(join(dir, 'plain.c')), indexId(dir, 'plain.c'));
  });

  it('skips submodules, keeps symlinks with the id of their target text', async () => {
    const dir = await repo({ 'a.c': 'a\n' });
    await symlink('a.c', join(dir, 'link.c'));
    git(dir, 'add', 'link.c');
    git(dir, 'update-index', '--add', '--cacheinfo', `160000,${'1'.repeat(40)},vendor/sub`);
    git(dir, 'commit', '-q', '-m', 'more');
    const tracked = await loadTrackedFiles(dir);
    assert.ok(tracked);
    assert.equal(tracked.isTracked(join(dir, 'vendor/sub')), false);
    assert.equal(tracked.entry(join(dir, 'link.c'))?.mode, '120000');
    assert.equal(tracked.blobBefore(join(dir, 'link.c')), gitBlobId('a.c'));
  });

  it('reads a sha256 repository', async () => {
    const dir = await repo({ 'a.c': 'a\n' }, { objectFormat: 'sha256' });
    const tracked = await loadTrackedFiles(dir);
    assert.ok(tracked);
    assert.equal(tracked.objectFormat, 'sha256');
    assert.equal(tracked.blobBefore(join(dir, 'a.c')), gitBlobId('a\n', 'sha256'));
    assert.equal(tracked.blobBefore(join(dir, 'a.c'))?.length, 64);
  });

  it('accepts paths spelled through a symlinked checkout directory', async () => {
    const dir = await repo({ 'src/a.c': 'a\n' });
    const outside = await mkdtemp(join(tmpdir(), 'pipewatch-workspace-link-'));
    cleanup.push(outside);
    const alias = join(outside, 'checkout');
    await symlink(dir, alias);
    const tracked = await loadTrackedFiles(join(alias, 'src'));
    assert.ok(tracked);
    assert.equal(tracked.relative(join(alias, 'src/a.c')), 'src/a.c');
    assert.equal(tracked.isTracked(join(dir, 'src/a.c')), true);
  });

  it('is undefined outside a repository, and when git is missing', async () => {
    const plain = await mkdtemp(join(tmpdir(), 'pipewatch-workspace-plain-'));
    cleanup.push(plain);
    assert.equal(await loadTrackedFiles(plain), undefined);
    assert.equal(await loadTrackedFiles(join(plain, 'does-not-exist')), undefined);
    const dir = await repo({ 'a.c': 'a\n' });
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent-pipewatch';
    try {
      assert.equal(await loadTrackedFiles(dir), undefined);
    } finally {
      process.env.PATH = path;
    }
  });
});
