import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './run-cli.js';

describe('pipewatch suppress (data-dir file)', function () {
  this.timeout(30_000);
  let dataDir: string;
  let env: Record<string, string>;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pipewatch-suppress-'));
    env = { PIPEWATCH_DATA_DIR: dataDir };
  });
  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('adds, lists and removes a suppression', async () => {
    const added = await runCli(
      ['suppress', 'add', '--pipeline', 'github:octo/*', '--rule', 'access.egress.new_host', '--subject', 'pool.example', '--until', '7d', '--reason', 'our own mining test', '--author', 'alice', '--json'],
      { env },
    );
    assert.equal(added.code, 0, added.stderr);
    const suppression = JSON.parse(added.stdout) as { id: string; until: string; pipeline: string };
    assert.match(suppression.id, /^sup-[0-9a-f]{12}$/);
    const days = (Date.parse(suppression.until) - Date.now()) / 86_400_000;
    assert.ok(days > 6.99 && days <= 7, `until is 7 days out (${days})`);
    const file = JSON.parse(await readFile(join(dataDir, 'suppressions.json'), 'utf8')) as { suppressions: unknown[] };
    assert.equal(file.suppressions.length, 1, 'stored in $PIPEWATCH_DATA_DIR/suppressions.json');

    const listed = await runCli(['suppress', 'list'], { env });
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`^${suppression.id}  active  pipeline=github:octo/\\*  rule=access.egress.new_host  subject=pool.example  until=\\S+  author=alice  reason="our own mining test"$`, 'm'));

    const removed = await runCli(['suppress', 'remove', suppression.id], { env });
    assert.equal(removed.code, 0, removed.stderr);
    assert.equal(removed.stdout, `removed ${suppression.id}\n`);
    assert.equal((await runCli(['suppress', 'list'], { env })).stdout, '');
  });

  it('rejects a bad --until, a missing --author and an unknown id', async () => {
    const past = await runCli(['suppress', 'add', '--pipeline', '*', '--rule', 'r.x', '--until', '2001-01-01', '--reason', 'r', '--author', 'a'], { env });
    assert.equal(past.code, 2);
    assert.match(past.stderr, /not in the future/);
    const missing = await runCli(['suppress', 'add', '--pipeline', '*', '--rule', 'r.x', '--until', '1d', '--reason', 'r'], { env });
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /--author/);
    const unknown = await runCli(['suppress', 'remove', 'sup-000000'], { env });
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no suppression sup-000000/);
  });
});
