import assert from 'node:assert/strict';
import { LockfileSyntaxError } from '../../src/lockfiles/dependency.js';
import { parsePnpmLock } from '../../src/lockfiles/pnpm-lock.js';
import { fixture } from './fixtures.js';

/** The integrity written on the line after `key:` in a fixture. */
function integrityOf(text: string, key: string): string {
  const m = new RegExp(`^  ${key.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\n    resolution: \\{integrity: ([^,}]+)`, 'm').exec(text);
  assert.ok(m, `fixture has ${key}`);
  return m[1]!;
}

describe('parsePnpmLock (vite, three lockfile generations)', () => {
  for (const [file, version] of [['pnpm-lock-v5.yaml', '5.4'], ['pnpm-lock-v6.yaml', "'6.0'"], ['pnpm-lock-v9.yaml', "'9.0'"]] as const) {
    it(`${file}: one entry per package with an integrity, none from importers or snapshots`, () => {
      const text = fixture(file);
      assert.ok(text.startsWith(`lockfileVersion: ${version}\n`));
      const deps = parsePnpmLock(text, 'pnpm-lock.yaml');
      assert.equal(deps.length, text.match(/\{integrity: /g)!.length);
      assert.ok(deps.every((d) => d.version && /^sha512-/.test(d.digest) && d.source === 'pnpm-lock.yaml'));
    });
  }

  it('v5: splits /name/version keys and drops the peer suffix', () => {
    const text = fixture('pnpm-lock-v5.yaml');
    const deps = parsePnpmLock(text, 'pnpm-lock.yaml');
    const key = '/@algolia/autocomplete-preset-algolia/1.7.4_algoliasearch@4.13.1';
    assert.deepEqual(deps.find((d) => d.name === '@algolia/autocomplete-preset-algolia'), {
      name: '@algolia/autocomplete-preset-algolia',
      version: '1.7.4',
      digest: integrityOf(text, key),
      source: 'pnpm-lock.yaml',
    });
    assert.ok(!deps.some((d) => d.name.startsWith('@vitejs/test-')), 'directory packages have no integrity');
  });

  it('v6: splits /name@version(peer) keys', () => {
    const text = fixture('pnpm-lock-v6.yaml');
    const deps = parsePnpmLock(text, 'pnpm-lock.yaml');
    const found = deps.find((d) => d.name === '@algolia/autocomplete-core');
    assert.equal(found?.version, '1.9.3');
    assert.equal(found?.digest, integrityOf(text, '/@algolia/autocomplete-core@1.9.3(algoliasearch@4.20.0)'));
  });

  it("v9: splits quoted 'name@version' keys and skips directory resolutions", () => {
    const text = fixture('pnpm-lock-v9.yaml');
    const deps = parsePnpmLock(text, 'pnpm-lock.yaml');
    assert.match(text, /^snapshots:$/m);
    assert.deepEqual(deps.find((d) => d.name === '@babel/core'), {
      name: '@babel/core',
      version: '7.29.7',
      digest: integrityOf(text, "'@babel/core@7.29.7'"),
      source: 'pnpm-lock.yaml',
    });
    assert.match(text, /type: directory\}/);
    assert.ok(!deps.some((d) => d.name.startsWith('@vitejs/longfilename')));
  });

  it('throws a LockfileSyntaxError without a lockfileVersion or on a broken package key', () => {
    assert.throws(() => parsePnpmLock('packages:\n  /a@1.0.0:\n', 'pnpm-lock.yaml'), LockfileSyntaxError);
    assert.throws(() => parsePnpmLock("lockfileVersion: '9.0'\npackages:\n  just words\n", 'pnpm-lock.yaml'), LockfileSyntaxError);
  });
});
