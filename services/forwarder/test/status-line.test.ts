import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { formatStatus } from '../src/index.js';

const DEMO = fileURLToPath(new URL('./fixtures/status-line-demo.ts', import.meta.url));
const demoCommand = `${process.execPath} --import tsx ${DEMO}`;
const hasScript = spawnSync('script', ['--version']).status === 0;

describe('status line', () => {
  it('on a real terminal (pty): rewritten in place with \\r, wiped around the command\'s output', function () {
    if (!hasScript) this.skip();
    // util-linux `script` runs the demo on a pseudo-terminal and copies what it wrote to our stdout.
    const result = spawnSync('script', ['-qec', demoCommand, '/dev/null'], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(result.status, 0, result.stderr);
    const screen = result.stdout.replace(/\r\n/g, '\n');
    const clear = '\r\x1b[K';
    assert.ok(screen.includes(`${clear}pipewatch: 10 lines shipped, 7 pending, collector up${clear}output of the command\n`), JSON.stringify(screen));
    assert.ok(screen.includes(`${clear}pipewatch: 20 lines shipped, 7 pending, collector down, spooling${clear}partial`), JSON.stringify(screen));
    assert.ok(!screen.includes('30 lines shipped'), 'no redraw while the cursor is mid-line of the command\'s output');
  });

  it('on a pipe (every CI log): writes nothing at all', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', DEMO], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr, 'output of the command\npartial');
  });

  it('formats lines shipped, pending, spooled and the collector state', () => {
    const base = { sentRecords: 0, resent: 0, pendingRecords: 0, spoolDropped: 0, dropped: 0, logsUnsupported: false };
    assert.equal(
      formatStatus({ ...base, state: 'retrying', sentLines: 1500, pendingLines: 500, spooled: 2 }),
      'pipewatch: 1500 lines shipped, 500 pending, 2 spooled, collector retrying',
    );
    assert.equal(formatStatus({ ...base, state: 'unknown', sentLines: 0, pendingLines: 0, spooled: 0 }), 'pipewatch: 0 lines shipped, 0 pending, collector not yet reached');
  });
});
