import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Finding } from '@pipewatch/shared';
import { runCli } from './run-cli.js';

const QUICKSTART = fileURLToPath(new URL('../../../test/fixtures/quickstart.ndjson', import.meta.url));

describe('pipewatch replay', function () {
  this.timeout(30_000);

  it('prints the README sample\'s findings as contract NDJSON and nothing else', async () => {
    const result = await runCli(['replay', QUICKSTART]);
    assert.equal(result.code, 0, result.stderr);
    const findings = result.stdout.trim().split('\n').map((line) => Finding.parse(JSON.parse(line)));
    assert.deepEqual(findings.map((f) => f.rule.id).sort(), ['resource.cpu.high', 'resource.duration.high']);
    assert.ok(findings.every((f) => f.event_ids[0] === 'quickstart-11'));
    assert.ok(findings.every((f) => f.detected_at === '2026-11-12T09:30:00.000Z'), 'timed at the event, not the wall clock');
  });

  it('is deterministic: the same input twice gives byte-identical output', async () => {
    const first = await runCli(['replay', QUICKSTART]);
    const second = await runCli(['replay', QUICKSTART]);
    assert.ok(first.stdout.length > 0);
    assert.equal(first.stdout, second.stdout);
  });

  it('reads stdin with "-" and prints one score line per event with --scores', async () => {
    const input = await readFile(QUICKSTART, 'utf8');
    const result = await runCli(['replay', '--scores', '-'], { stdin: input });
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { event_id: string; score: number; rules: string[] });
    assert.equal(lines.length, 11);
    assert.deepEqual(lines.map((l) => l.event_id), input.trim().split('\n').map((l) => (JSON.parse(l) as { event_id: string }).event_id));
    assert.ok(lines.slice(0, 10).every((l) => l.score === 0 && l.rules.length === 0));
    assert.ok(lines[10]!.score > 0.5);
    assert.deepEqual([...lines[10]!.rules].sort(), ['resource.cpu.high', 'resource.duration.high']);
  });

  it('skips invalid lines with a message on stderr and still exits 0', async () => {
    const input = ['not json', '{"schema":"pipewatch.run/v1"}', (await readFile(QUICKSTART, 'utf8')).split('\n')[0]].join('\n');
    const result = await runCli(['replay', '--scores'], { stdin: input });
    assert.equal(result.code, 0);
    assert.equal(result.stdout.trim().split('\n').length, 1);
    assert.match(result.stderr, /line 1: invalid JSON/);
    assert.match(result.stderr, /line 2: not a run event/);
  });
});

describe('pipewatch --help', () => {
  for (const command of [[], ['start'], ['replay']]) {
    it(`documents ${command.length ? command.join(' ') : 'the top level'}`, async () => {
      const result = await runCli([...command, '--help']);
      assert.equal(result.code, 0);
      assert.match(result.stdout, /Usage: pipewatch/);
    });
  }

  it('fails clearly on a bad configuration, naming every bad variable', async () => {
    const result = await runCli(['start'], { env: { PORT: 'eighty', PIPEWATCH_LOG_LEVEL: 'loud' } });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /PORT/);
    assert.match(result.stderr, /PIPEWATCH_LOG_LEVEL/);
  });
});
