import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunEvent } from '@pipewatch/shared';
import { collectArtifacts } from '../../src/artifacts/index.js';
import { run } from './make-signatures.js';

describe('collectArtifacts (files, globs, digests)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pipewatch-artifacts-'));
    await mkdir(join(dir, 'dist', 'sub'), { recursive: true });
    await writeFile(join(dir, 'dist', 'a.tgz'), 'release a\n');
    await writeFile(join(dir, 'dist', 'b.tgz'), Buffer.alloc(3 * 1024 * 1024 + 7, 0xab));
    await writeFile(join(dir, 'dist', 'sub', 'c.bin'), Buffer.from([0, 1, 2, 3]));
    await writeFile(join(dir, 'dist', 'notes.txt'), '');
    await writeFile(join(dir, 'README'), 'readme');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('digests each file as sha256sum does, streamed (a 3 MiB file and an empty one included)', async () => {
    const { artifacts, errors } = await collectArtifacts(['dist/**'], { cwd: dir, trust: { publicKeys: [], sigstore: false } });
    assert.deepEqual(errors, []);
    const { stdout } = await run('sha256sum', ['dist/a.tgz', 'dist/b.tgz', 'dist/notes.txt', 'dist/sub/c.bin'], { cwd: dir });
    const expected = new Map(stdout.trim().split('\n').map((line) => {
      const [hex, name] = line.split(/\s+\*?/);
      return [name!, `sha256:${hex!}`];
    }));
    assert.equal(artifacts.length, 4);
    for (const artifact of artifacts) assert.equal(artifact.digest, expected.get(artifact.name), artifact.name);
  });

  it('expands * and ** globs and takes literal paths; names are relative to cwd; duplicates are listed once', async () => {
    const { artifacts, errors } = await collectArtifacts(['dist/*.tgz', 'dist/**/*.bin', 'README', 'dist/a.tgz'], { cwd: dir });
    assert.deepEqual(errors, []);
    assert.deepEqual(artifacts.map((artifact) => artifact.name), ['dist/a.tgz', 'dist/b.tgz', 'dist/sub/c.bin', 'README']);
  });

  it('an unsigned file is signed: false, with no verification claim', async () => {
    const { artifacts } = await collectArtifacts(['README'], { cwd: dir });
    assert.deepEqual(artifacts, [{ name: 'README', digest: artifacts[0]!.digest, signed: false }]);
  });

  it('a missing path, a glob matching nothing and a directory are error entries, not throws', async () => {
    const { artifacts, errors } = await collectArtifacts(['dist/missing.tgz', 'nothing/**/*.whl', 'dist', 'README'], { cwd: dir });
    assert.deepEqual(artifacts.map((artifact) => artifact.name), ['README']);
    assert.deepEqual(errors.map((error) => ('pattern' in error ? error.pattern : error.path)), ['dist/missing.tgz', 'nothing/**/*.whl', 'dist']);
    assert.match(errors[0]!.error, /no such file/);
    assert.match(errors[1]!.error, /matched no file/);
    assert.match(errors[2]!.error, /directory/);
  });

  it('leaves out signature files a glob picks up beside their artifact', async () => {
    await writeFile(join(dir, 'dist', 'a.tgz.sig'), 'not really');
    await writeFile(join(dir, 'dist', 'a.tgz.sigstore.json'), '{}');
    await writeFile(join(dir, 'dist', 'lonely.bundle'), 'a git bundle, say');
    const { artifacts } = await collectArtifacts(['dist/*'], { cwd: dir, trust: { publicKeys: [], sigstore: false } });
    assert.deepEqual(artifacts.map((artifact) => artifact.name), ['dist/a.tgz', 'dist/b.tgz', 'dist/lonely.bundle', 'dist/notes.txt']);
  });

  it('stops at maxFiles and says so', async () => {
    const { artifacts, errors } = await collectArtifacts(['dist/**'], { cwd: dir, maxFiles: 2 });
    assert.equal(artifacts.length, 2);
    assert.equal(errors.length, 1);
    assert.match(errors[0]!.error, /more than 2 files/);
  });

  it('a file over maxBytes is an error entry', async () => {
    const { artifacts, errors } = await collectArtifacts(['dist/b.tgz', 'dist/a.tgz'], { cwd: dir, maxBytes: 1024 });
    assert.deepEqual(artifacts.map((artifact) => artifact.name), ['dist/a.tgz']);
    assert.deepEqual(errors, [{ path: 'dist/b.tgz', error: 'larger than 1024 bytes' }]);
  });

  it('what it returns fits the run event contract', async () => {
    const { artifacts } = await collectArtifacts(['dist/**', 'README'], { cwd: dir });
    const event = {
      schema: 'pipewatch.run/v1',
      event_id: 'e-1',
      source: 'agent',
      occurred_at: new Date().toISOString(),
      pipeline: { id: 'p' },
      run: { id: 'r' },
      artifacts,
    };
    const parsed = RunEvent.safeParse(event);
    assert.ok(parsed.success, JSON.stringify(parsed.error?.issues));
  });
});
