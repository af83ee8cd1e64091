import assert from 'node:assert/strict';
import { LockfileSyntaxError } from '../../src/lockfiles/dependency.js';
import { parseYarnLock } from '../../src/lockfiles/yarn-lock.js';
import { fixture } from './fixtures.js';

/** The value of the first `<field>` line after the block whose header starts with `header`. */
function fieldAfter(text: string, header: string, field: RegExp): string {
  const block = text.slice(text.indexOf(`\n${header}`) + 1).split(/\n\n/)[0]!;
  const m = field.exec(block);
  assert.ok(m, `${header} has ${field}`);
  return m[1]!;
}

describe('parseYarnLock', () => {
  describe('yarn v1 (vite, 2021)', () => {
    const text = fixture('yarn-v1.lock');
    const deps = parseYarnLock(text, 'yarn.lock');

    it('gives one entry per block with an integrity line', () => {
      assert.match(text, /^# yarn lockfile v1$/m);
      assert.equal(deps.length, text.match(/^ {2}integrity /gm)!.length);
      assert.ok(deps.every((d) => d.source === 'yarn.lock'));
    });

    it('names scoped and unquoted entries and keeps the integrity as written (sha1 too)', () => {
      assert.deepEqual(deps.find((d) => d.name === 'css-parse'), {
        name: 'css-parse',
        version: fieldAfter(text, 'css-parse@', /version "([^"]+)"/),
        digest: fieldAfter(text, 'css-parse@', /integrity (\S+)/),
        source: 'yarn.lock',
      });
      assert.match(deps.find((d) => d.name === 'css-parse')!.digest, /^sha1-/);
      const frame = deps.filter((d) => d.name === '@babel/code-frame');
      assert.equal(frame.length, 2, 'two locked versions of @babel/code-frame');
      assert.ok(frame.some((d) => d.digest === fieldAfter(text, '"@babel/code-frame@^7.0.0"', /integrity (\S+)/)));
    });

    it('skips link: and file: entries, which pin no integrity', () => {
      assert.match(text, /@link:/);
      assert.match(text, /@file:/);
      assert.ok(!deps.some((d) => /^(@symlinks\/moduleA|css-dep|dep-cjs-)/.test(d.name)));
    });
  });

  describe('yarn berry', () => {
    it('reads lockfile v8 checksums (cache-key prefixed) as sha512:<hex>', () => {
      const text = fixture('yarn-berry-v8.lock');
      const deps = parseYarnLock(text, 'web/yarn.lock');
      assert.equal(deps.length, text.match(/^ {2}checksum: /gm)!.length);
      const hex = fieldAfter(text, '"@ampproject/remapping@npm:', /checksum: 10c0\/([0-9a-f]+)/);
      assert.deepEqual(deps.find((d) => d.name === '@ampproject/remapping'), {
        name: '@ampproject/remapping',
        version: fieldAfter(text, '"@ampproject/remapping@npm:', /version: (\S+)/),
        digest: `sha512:${hex}`,
        source: 'web/yarn.lock',
      });
    });

    it('names patched packages by their resolution and skips workspaces and checksum-less patches', () => {
      const deps = parseYarnLock(fixture('yarn-berry-v8.lock'), 'yarn.lock');
      assert.ok(deps.some((d) => d.name === 'resolve' && d.version === '1.22.8'));
      assert.ok(!deps.some((d) => d.name === 'clipanion'), 'the workspace itself has no checksum');
      assert.equal(deps.filter((d) => d.name === 'fsevents').length, 1, 'the optional fsevents patch has no checksum');
      assert.ok(!deps.some((d) => d.name === '__metadata'));
    });

    it('reads lockfile v6 checksums (bare hex)', () => {
      const text = fixture('yarn-berry-v6.lock');
      const deps = parseYarnLock(text, 'yarn.lock');
      assert.equal(deps.length, 4);
      const hex = fieldAfter(text, '"@babel/highlight@npm:', /checksum: ([0-9a-f]+)/);
      assert.ok(deps.some((d) => d.name === '@babel/highlight' && d.version === '7.10.4' && d.digest === `sha512:${hex}`));
    });
  });

  it('throws a LockfileSyntaxError on a line that is neither a header nor a field', () => {
    assert.throws(() => parseYarnLock('# yarn lockfile v1\n\nleft-pad@^1.0.0\n  version "1.3.0"\n', 'yarn.lock'), LockfileSyntaxError);
    assert.throws(() => parseYarnLock('  version "1.3.0"\n', 'yarn.lock'), LockfileSyntaxError);
  });
});
