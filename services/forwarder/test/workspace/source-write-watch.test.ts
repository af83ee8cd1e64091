import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { watch } from 'node:fs';
import { link, mkdtemp, rename, rm, symlink, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FileEvent } from '../../src/trace/sensor-events.js';
import { gitBlobId } from '../../src/workspace/git-blob-hash.js';
import { createSourceWatch, type SourceWatchOptions, type SourceWrite } from '../../src/workspace/source-write-watch.js';
import { loadTrackedFiles, type TrackedFiles } from '../../src/workspace/tracked-files.js';
import { makeRepo, sleep } from './git-repo.js';

/** Waits (≤ 2 s) for something the watch does asynchronously. */
async function until(condition: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 2000; !condition(); await sleep(2)) assert.ok(Date.now() < deadline, 'timed out');
}

const ORIGINAL = 'int check_license(void) { return verify(); }\n';
const EVIL = 'int check_license(void) { return 1; }\n';

/** The report without its clock reading, for deepEqual. */
const timeless = ({ first_changed_at: _at, ...rest }: SourceWrite): Omit<SourceWrite, 'first_changed_at'> => rest;

describe('createSourceWatch (writes to tracked files during a run)', () => {
  let dir: string;
  let outside: string;
  let tracked: TrackedFiles;
  beforeEach(async () => {
    dir = await makeRepo({ 'src/license.c': ORIGINAL, 'src/main c.c': 'int main;\n', 'src/util.c': 'u\n', 'README.md': '# r\n' });
    outside = await mkdtemp(join(tmpdir(), 'pipewatch-workspace-outside-'));
    const loaded = await loadTrackedFiles(dir);
    assert.ok(loaded);
    tracked = loaded;
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  const p = (rel: string): string => join(dir, rel);
  const event = (path: string, op: FileEvent['op'] = 'write', from?: string): FileEvent => ({
    kind: 'file', at: Date.now(), pid: 1, path, op, ...(from ? { from } : {}),
  });
  const start = (options: SourceWatchOptions = {}) => {
    const changes: SourceWrite[] = [];
    const watcher = createSourceWatch(tracked, { onChange: (w) => changes.push(w), ...options });
    return { watcher, changes };
  };
  const license = { path: 'src/license.c', before: gitBlobId(ORIGINAL) };

  it('a swap put back before the end: changed and restored, streamed as soon as it is confirmed', async () => {
    const { watcher, changes } = start();
    const swappedAt = Date.now();
    await writeFile(p('src/license.c'), EVIL);
    watcher.note(event(p('src/license.c')));
    await until(() => changes.length > 0);
    assert.equal(changes.length, 1, 'reported while the job still runs');
    assert.deepEqual(timeless(changes[0] as SourceWrite), { ...license, after: gitBlobId(EVIL), changed: true, restored: false, writes: 1 });
    const at = changes[0]?.first_changed_at ?? 0;
    assert.ok(at >= swappedAt && at < swappedAt + 1000, `first_changed_at ${at - swappedAt} ms after the swap`);
    await writeFile(p('src/license.c'), ORIGINAL);
    watcher.note(event(p('src/license.c')));
    const report = await watcher.finish();
    assert.deepEqual(report.map(timeless), [{ ...license, after: gitBlobId(ORIGINAL), changed: true, restored: true, writes: 2 }]);
    assert.equal(report[0]?.first_changed_at, at);
    assert.equal(changes.length, 1, 'onChange once per path');
  });

  it('a swap left in place: changed, not restored, after is the new content', async () => {
    const { watcher, changes } = start();
    await writeFile(p('src/license.c'), EVIL);
    watcher.note(event(p('src/license.c'), 'truncate'));
    const report = await watcher.finish();
    assert.deepEqual(report.map(timeless), [{ ...license, after: gitBlobId(EVIL), changed: true, restored: false, writes: 1 }]);
    assert.ok(report[0]?.first_changed_at);
    assert.equal(changes.length, 1, 'a change first seen at the end is streamed too');
  });

  it('a rewrite with identical content is a write, not a change', async () => {
    const { watcher, changes } = start();
    await writeFile(p('src/license.c'), ORIGINAL);
    watcher.note(event(p('src/license.c')));
    watcher.note(event(p('src/license.c')));
    assert.deepEqual(await watcher.finish(), [{ ...license, after: gitBlobId(ORIGINAL), changed: false, restored: false, writes: 2 }]);
    assert.deepEqual(changes, []);
  });

  it('a truncate seen before the identical rewrite lands is transient, not a change', async () => {
    const { watcher, changes } = start();
    await truncate(p('src/license.c'));
    watcher.note(event(p('src/license.c'), 'truncate'));
    await until(() => watcher.stats().hashes > 0); // the hash read the empty file
    await writeFile(p('src/license.c'), ORIGINAL);
    await sleep(100);
    const [write] = await watcher.finish();
    assert.equal(write?.changed, false);
    assert.equal(write?.transient, 1);
    assert.deepEqual(changes, []);
  });

  it('rename-over: a temp file renamed onto the tracked path', async () => {
    const { watcher } = start();
    await writeFile(join(outside, 'license.c.tmp'), EVIL);
    await rename(join(outside, 'license.c.tmp'), p('src/license.c'));
    watcher.note(event(p('src/license.c'), 'rename', join(outside, 'license.c.tmp')));
    assert.deepEqual((await watcher.finish()).map(timeless), [{ ...license, after: gitBlobId(EVIL), changed: true, restored: false, writes: 1 }]);
  });

  it('deleted: after absent; deleted then recreated identical: changed and restored', async () => {
    const { watcher } = start();
    await unlink(p('README.md'));
    watcher.note(event(p('README.md'), 'delete'));
    await unlink(p('src/util.c'));
    watcher.note(event(p('src/util.c'), 'delete'));
    await sleep(120);
    await writeFile(p('src/util.c'), 'u\n');
    watcher.note(event(p('src/util.c'), 'create'));
    assert.deepEqual((await watcher.finish()).map(timeless), [
      { path: 'README.md', before: gitBlobId('# r\n'), changed: true, restored: false, writes: 1 },
      { path: 'src/util.c', before: gitBlobId('u\n'), after: gitBlobId('u\n'), changed: true, restored: true, writes: 2 },
    ]);
  });

  it('a renamed directory touches every tracked file it held', async () => {
    const { watcher } = start();
    await rename(p('src'), p('src.bak'));
    watcher.note(event(p('src.bak'), 'rename', p('src')));
    const report = await watcher.finish();
    assert.deepEqual(report.map((w) => [w.path, w.changed, w.after]), [
      ['src/license.c', true, undefined],
      ['src/main c.c', true, undefined],
      ['src/util.c', true, undefined],
    ]);
  });

  it('ignores untracked outputs, paths outside the repository and .git internals', async () => {
    const { watcher } = start();
    await writeFile(p('src/license.o'), 'object');
    watcher.note(event(p('src/license.o'), 'create'));
    await writeFile(join(outside, 'x'), 'x');
    watcher.note(event(join(outside, 'x')));
    watcher.note(event(p('.git/index'), 'rename', p('.git/index.lock')));
    watcher.note(event('relative/path.c'));
    assert.deepEqual(await watcher.finish(), []);
  });

  it('a file dirty at start is compared with its content at start, not the commit', async () => {
    await writeFile(p('src/util.c'), 'local edit\n');
    const dirty = await loadTrackedFiles(dir);
    assert.ok(dirty);
    const watcher = createSourceWatch(dirty);
    await writeFile(p('src/util.c'), 'u\n'); // back to the committed text: still a change to what the job found
    watcher.note(event(p('src/util.c')));
    assert.deepEqual((await watcher.finish()).map(timeless), [
      { path: 'src/util.c', before: gitBlobId('local edit\n'), after: gitBlobId('u\n'), changed: true, restored: false, writes: 1 },
    ]);
  });

  it('a path with a space', async () => {
    const { watcher } = start();
    await writeFile(p('src/main c.c'), 'int main = 1;\n');
    watcher.note(event(p('src/main c.c')));
    const [write] = await watcher.finish();
    assert.equal(write?.path, 'src/main c.c');
    assert.equal(write?.changed, true);
  });

  it('writes reaching a tracked file through a symlink or a hard link elsewhere', async () => {
    const { watcher } = start();
    await symlink(p('src/license.c'), join(outside, 'via-symlink.c'));
    await writeFile(join(outside, 'via-symlink.c'), EVIL);
    watcher.note(event(join(outside, 'via-symlink.c')));
    await link(p('src/util.c'), join(outside, 'via-hardlink.c'));
    await writeFile(join(outside, 'via-hardlink.c'), 'hard\n');
    watcher.note(event(join(outside, 'via-hardlink.c')));
    const report = await watcher.finish();
    assert.deepEqual(report.map((w) => [w.path, w.changed]), [['src/license.c', true], ['src/util.c', true]]);
  });

  it('remembers at most maxPaths, forgetting idle unchanged ones first, and counts the rest', async () => {
    const { watcher } = start({ maxPaths: 2 });
    await writeFile(p('README.md'), '# r\n'); // identical rewrite: forgettable
    watcher.note(event(p('README.md')));
    await until(() => watcher.stats().hashes > 0);
    for (const rel of ['src/license.c', 'src/main c.c', 'src/util.c']) {
      await writeFile(p(rel), EVIL);
      watcher.note(event(p(rel)));
    }
    const report = await watcher.finish();
    assert.deepEqual(report.map((w) => [w.path, w.changed]), [['src/license.c', true], ['src/main c.c', true]]);
    assert.deepEqual({ ...watcher.stats(), hashes: 0 }, { remembered: 2, omitted: 2, hashes: 0, errors: 0 });
  });

  it('catches a swap of ~300 ms made by a real child process and put back', async () => {
    const { watcher, changes } = start();
    // fs.watch stands in for the sensor: it reports the act within milliseconds, as strace does.
    const watcherOfDir = watch(p('src'), (_type, name) => {
      if (name) watcher.note(event(p(join('src', name.toString()))));
    });
    try {
      const child = spawn('sh', ['-c', 'cp src/license.c "$1/keep"; printf "%s" "$2" > src/license.c; sleep 0.3; cp "$1/keep" src/license.c', 'sh', outside, EVIL], {
        cwd: dir,
        stdio: 'ignore',
      });
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      assert.equal(code, 0);
      await sleep(50);
    } finally {
      watcherOfDir.close();
    }
    const report = await watcher.finish();
    assert.equal(report.length, 1);
    assert.deepEqual({ ...timeless(report[0] as SourceWrite), writes: 0, transient: undefined }, {
      ...license, after: gitBlobId(ORIGINAL), changed: true, restored: true, writes: 0, transient: undefined,
    });
    assert.equal(changes[0]?.after, gitBlobId(EVIL), 'the swapped content was hashed while it lived');
  });
});
