import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gitBlobId, gitBlobIdOfFile } from '../../src/workspace/git-blob-hash.js';
import { CONVERSION_ATTRIBUTES, mayConvert, parseCheckAttr, parseLsFiles, parseStatusWorktreeDirty } from '../../src/workspace/git-output.js';
import { makeRepo } from './git-repo.js';

const hashObject = (cwd: string, path: string): string =>
  execFileSync('git', ['hash-object', '--no-filters', path], { cwd, encoding: 'utf8' }).trim();

describe('git blob ids', () => {
  for (const objectFormat of ['sha1', 'sha256'] as const) {
    describe(`${objectFormat} repository`, () => {
      let dir: string;
      before(async () => {
        dir = await makeRepo({ seed: 'x' }, { objectFormat });
      });
      after(async () => {
        await rm(dir, { recursive: true, force: true });
      });

      const samples: Array<[string, Buffer]> = [
        ['empty', Buffer.alloc(0)],
        ['text', Buffer.from('int main(void) { return 0; }\n')],
        ['binary with NULs', Buffer.from([0, 1, 2, 255, 0, 10, 13])],
        ['multi-chunk 3 MiB', randomBytes(3 << 20)],
        ['streamed 9 MiB', randomBytes(9 << 20)],
      ];
      for (const [name, content] of samples) {
        it(`matches git hash-object for ${name} content`, async () => {
          const path = join(dir, 'sample.bin');
          await writeFile(path, content);
          const expected = hashObject(dir, 'sample.bin');
          assert.equal(expected.length, objectFormat === 'sha1' ? 40 : 64);
          assert.equal(gitBlobId(content, objectFormat), expected);
          const blob = await gitBlobIdOfFile(path, objectFormat);
          assert.equal(blob.id, expected);
          assert.equal(blob.size, content.length);
        });
      }
    });
  }

  it('propagates ENOENT for a missing file', async () => {
    await assert.rejects(gitBlobIdOfFile('/nonexistent/pipewatch/file'), { code: 'ENOENT' });
  });
});

describe('git -z output parsers', () => {
  it('ls-files -s -v -z keeps paths with spaces, tabs and newlines whole', () => {
    const out = 'H 100644 aaaa 0\tsrc/a b.c\0h 120000 bbbb 0\tlink\0S 100644 cccc 0\tx\ty\nz\0';
    assert.deepEqual(parseLsFiles(out), [
      { tag: 'H', mode: '100644', id: 'aaaa', stage: 0, path: 'src/a b.c' },
      { tag: 'h', mode: '120000', id: 'bbbb', stage: 0, path: 'link' },
      { tag: 'S', mode: '100644', id: 'cccc', stage: 0, path: 'x\ty\nz' },
    ]);
  });

  it('status --porcelain=v1 -z: working-tree changes and unmerged paths, skipping rename sources', () => {
    const out = ' M a.c\0M  staged.c\0 D gone.c\0R  new.c\0old.c\0UU conflict.c\0MM both.c\0';
    assert.deepEqual(parseStatusWorktreeDirty(out), ['a.c', 'gone.c', 'conflict.c', 'both.c']);
  });

  it('check-attr -z triples and the conversion rules', () => {
    const attrs = parseCheckAttr('a.txt\0eol\0crlf\0a.txt\0text\0set\0b.bin\0filter\0lfs\0');
    assert.equal(attrs.get('a.txt')?.get('eol'), 'crlf');
    const none = new Map<string, string>();
    assert.equal(mayConvert(attrs.get('a.txt'), none), true);
    assert.equal(mayConvert(attrs.get('b.bin'), none), false, 'a filter nobody configured is a no-op');
    assert.equal(mayConvert(attrs.get('b.bin'), new Map([['filter.lfs.process', 'git-lfs filter-process']])), true);
    assert.equal(mayConvert(undefined, none), false);
    assert.equal(mayConvert(undefined, new Map([['core.autocrlf', 'true']])), true);
    assert.equal(mayConvert(new Map([['text', 'unset']]), new Map([['core.autocrlf', 'true']])), false);
    assert.equal(mayConvert(new Map([['ident', 'set']]), none), true);
    assert.ok(CONVERSION_ATTRIBUTES.includes('working-tree-encoding'));
  });
});
