import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { LockfileSyntaxError, pythonDigest } from '../../src/lockfiles/dependency.js';
import { parsePipRequirements } from '../../src/lockfiles/pip-requirements.js';
import { parsePoetryLock } from '../../src/lockfiles/poetry-lock.js';
import { parseUvLock } from '../../src/lockfiles/uv-lock.js';
import { fixture } from './fixtures.js';

/** The `[[package]]` block of a TOML lockfile that names `name`. */
const packageBlock = (text: string, name: string): string =>
  text.split(/^\[\[package\]\]$/m).find((block) => block.startsWith(`\nname = "${name}"\n`)) ?? assert.fail(`no package ${name}`);
const hashes = (text: string): string[] => [...text.matchAll(/hash = "(sha256:[0-9a-f]{64})"/g)].map((m) => m[1]!);
/** The folded digest, computed here independently of the parser. */
const folded = (list: string[]): string => `files-sha256:${createHash('sha256').update([...new Set(list)].sort().join('\n')).digest('hex')}`;

describe('pythonDigest', () => {
  const [a, b, c] = ['sha256:' + 'a'.repeat(64), 'sha256:' + 'b'.repeat(64), 'sha256:' + 'c'.repeat(64)];
  it('keeps a single hash as written and folds several into one order-independent digest', () => {
    assert.equal(pythonDigest([b]), b);
    assert.equal(pythonDigest([a, b, c]), pythonDigest([c, a, b, a]));
    assert.match(pythonDigest([a, b])!, /^files-sha256:[0-9a-f]{64}$/);
    assert.equal(pythonDigest([]), undefined);
  });
  it('changes when any one artifact hash changes, not only the first', () => {
    assert.notEqual(pythonDigest([a, b, c]), pythonDigest([a, b, 'sha256:' + 'd'.repeat(64)]));
  });
});

describe('parsePoetryLock', () => {
  it('lock 2.1 (poetry): one entry per package, all its files folded', () => {
    const text = fixture('poetry-v2.1.lock');
    const deps = parsePoetryLock(text, 'poetry.lock');
    assert.equal(deps.length, text.match(/^\[\[package\]\]$/gm)!.length);
    const cffi = packageBlock(text, 'cffi');
    assert.ok(hashes(cffi).length > 10, 'cffi ships many wheels');
    assert.deepEqual(deps.find((d) => d.name === 'cffi'), { name: 'cffi', version: '2.0.0', digest: folded(hashes(cffi)), source: 'poetry.lock' });
    assert.match(cffi, /^version = "2\.0\.0"$/m);
  });

  it('lock 1.1 (poetry, 2022): reads hashes from [metadata.files], matching names however spelt', () => {
    const text = fixture('poetry-v1.1.lock');
    assert.match(text, /^lock-version = "1\.1"$/m);
    const deps = parsePoetryLock(text, 'poetry.lock');
    assert.deepEqual(deps.map((d) => d.name), ['attrs', 'backports.cached-property', 'CacheControl']);
    const files = text.slice(text.indexOf('[metadata.files]'));
    const attrs = files.slice(files.indexOf('attrs = ['), files.indexOf(']', files.indexOf('attrs = [')));
    assert.equal(deps[0]!.digest, folded(hashes(attrs)));
  });

  it('steps over a multi-line string, brackets inside it included', () => {
    const hex = '0'.repeat(64);
    const text = `[[package]]\nname = "x"\nversion = "1.0"\ndescription = \"\"\"line one [\nname = "not-me"\n\"\"\"\nfiles = [\n  {file = "x.whl", hash = "sha256:${hex}"},\n]\n`;
    assert.deepEqual(parsePoetryLock(text, 'poetry.lock'), [{ name: 'x', version: '1.0', digest: `sha256:${hex}`, source: 'poetry.lock' }]);
  });

  it('throws a LockfileSyntaxError on a line that is not TOML, or an array never closed', () => {
    assert.throws(() => parsePoetryLock('[[package]]\nname = "x"\nthis is not toml\n', 'poetry.lock'), LockfileSyntaxError);
    assert.throws(() => parsePoetryLock('[[package]]\nname = "x"\nfiles = [\n  {file = "x.whl", hash = "sha256:00"},\n', 'poetry.lock'), LockfileSyntaxError);
  });
});

describe('parseUvLock (pydantic)', () => {
  const text = fixture('uv-r3.lock');
  const deps = parseUvLock(text, 'uv.lock');

  it('one entry per registry package, sdist and wheels folded', () => {
    const registry = text.split(/^\[\[package\]\]$/m).filter((b) => /^source = \{ registry = /m.test(b));
    assert.equal(deps.length, registry.length);
    const block = packageBlock(text, 'aiohappyeyeballs');
    assert.equal(hashes(block).length, 2);
    assert.deepEqual(deps.find((d) => d.name === 'aiohappyeyeballs'), {
      name: 'aiohappyeyeballs',
      version: '2.6.1',
      digest: folded(hashes(block)),
      source: 'uv.lock',
    });
  });

  it('skips git packages, which have no hash', () => {
    assert.match(packageBlock(text, 'pydantic-docs'), /source = \{ git = /);
    assert.ok(!deps.some((d) => d.name === 'pydantic-docs'));
  });
});

describe('parsePipRequirements (warehouse, pip-compile --generate-hashes)', () => {
  const text = fixture('pip-compile-hashes.txt');
  const deps = parsePipRequirements(text, 'requirements/main.txt');

  it('one entry per pinned requirement, extras stripped from the name', () => {
    assert.equal(deps.length, text.match(/^[a-z][\w.[\]-]*==\S+ \\$/gm)!.length);
    const celery = text.slice(text.indexOf('celery[redis]==5.6.3'), text.indexOf('# via', text.indexOf('celery[redis]==5.6.3')));
    assert.deepEqual(deps.find((d) => d.name === 'celery'), {
      name: 'celery',
      version: '5.6.3',
      digest: folded([...celery.matchAll(/--hash=(sha256:[0-9a-f]{64})/g)].map((m) => m[1]!)),
      source: 'requirements/main.txt',
    });
    assert.ok(deps.some((d) => d.name === 'setuptools'), 'the "unsafe" section is read too');
  });

  it('gives no entry for a requirement without a hash, and keeps a single hash as written', () => {
    const hex = 'f'.repeat(64);
    const deps2 = parsePipRequirements(`-r base.txt\nrequests==2.32.3\nidna==3.7 \\\n    --hash=sha256:${hex}  # pinned\n`, 'requirements.txt');
    assert.deepEqual(deps2, [{ name: 'idna', version: '3.7', digest: `sha256:${hex}`, source: 'requirements.txt' }]);
  });
});
