import assert from 'node:assert/strict';
import { parseCargoLock } from '../../src/lockfiles/cargo-lock.js';
import { LockfileSyntaxError } from '../../src/lockfiles/dependency.js';
import { parseGoSum } from '../../src/lockfiles/go-sum.js';
import { fixture } from './fixtures.js';

describe('parseGoSum (cobra)', () => {
  const text = fixture('cobra-go.sum');
  const lines = text.trim().split('\n').map((l) => l.split(' '));

  it('one entry per module line, h1: hash as written, /go.mod lines skipped', () => {
    const modules = lines.filter(([, version]) => !version!.endsWith('/go.mod'));
    assert.ok(modules.length < lines.length);
    const deps = parseGoSum(text, 'tools/go.sum');
    assert.deepEqual(
      deps,
      modules.map(([name, version, digest]) => ({ name, version, digest, source: 'tools/go.sum' })),
    );
    assert.ok(deps.every((d) => d.digest.startsWith('h1:')));
  });

  it('throws a LockfileSyntaxError on a line without three fields', () => {
    assert.throws(() => parseGoSum('github.com/x/y v1.0.0\n', 'go.sum'), LockfileSyntaxError);
  });
});

describe('parseCargoLock (ripgrep)', () => {
  it('lockfile v4: registry crates as sha256:<hex>, workspace crates (no checksum) skipped', () => {
    const text = fixture('cargo-v4.lock');
    const deps = parseCargoLock(text, 'Cargo.lock');
    assert.equal(deps.length, text.match(/^checksum = /gm)!.length);
    assert.ok(text.match(/^\[\[package\]\]$/gm)!.length > deps.length, 'the excerpt has path crates');
    assert.ok(!deps.some((d) => d.name === 'grep' || d.name === 'ignore'));
    const block = text.split('[[package]]').find((b) => b.includes('name = "memchr"') || b.includes('name = "bstr"'))!;
    const [, name, version, hex] = /name = "([^"]+)"\nversion = "([^"]+)"\n[^\n]*\nchecksum = "([0-9a-f]{64})"/.exec(block)!;
    assert.deepEqual(deps.find((d) => d.name === name), { name, version, digest: `sha256:${hex}`, source: 'Cargo.lock' });
  });

  it('lockfile v1 (2020): checksums from [metadata]', () => {
    const text = fixture('cargo-v1.lock');
    const deps = parseCargoLock(text, 'Cargo.lock');
    const rows = [...text.matchAll(/^"checksum (\S+) (\S+) \([^)]+\)" = "([0-9a-f]{64})"$/gm)];
    assert.ok(rows.length > 0);
    assert.deepEqual(
      deps,
      rows.map(([, name, version, hex]) => ({ name, version, digest: `sha256:${hex}`, source: 'Cargo.lock' })),
    );
  });
});
