import assert from 'node:assert/strict';
import { gitLabTraceLines, parseGitHubJobLog, parseGitLabJobTrace, MAX_LINE_CHARS } from '../../src/joblog/index.js';

// Each must finish well inside mocha's timeout; a backtracking regex would not.
const BUDGET_MS = 3000;
function timed<T>(fn: () => T): T {
  const t0 = performance.now();
  const out = fn();
  const ms = performance.now() - t0;
  assert.ok(ms < BUDGET_MS, `took ${ms.toFixed(0)} ms`);
  return out;
}

describe('job log parsers on hostile input', () => {
  const tenMiB = 10 * 1024 * 1024;

  it('a 10 MB single line', () => {
    const line = '2024-01-01T00:00:00.0000000Z ' + "Download action repository '".repeat(tenMiB / 28);
    const gh = timed(() => parseGitHubJobLog(line));
    assert.equal(gh.actions.length, 0);
    const gl = timed(() => parseGitLabJobTrace('section_start:1:' + 'a'.repeat(tenMiB)));
    assert.ok(gl.sections.length <= 1);
    const lines = timed(() => gitLabTraceLines('\x1b['.repeat(tenMiB / 2)));
    assert.equal(lines.length, 1);
    assert.ok(lines[0]!.length <= MAX_LINE_CHARS);
  });

  it('binary bytes', () => {
    const bytes = new Uint8Array(2 * 1024 * 1024);
    let x = 12345;
    for (let i = 0; i < bytes.length; i++) { x = (x * 1103515245 + 12345) >>> 0; bytes[i] = x >>> 24; }
    const text = new TextDecoder('latin1').decode(bytes);
    timed(() => parseGitHubJobLog(text));
    timed(() => parseGitLabJobTrace(text));
    for (const l of timed(() => gitLabTraceLines(text))) assert.ok(!/[\x00-\x08\x0b-\x1f\x7f]/.test(l));
  });

  it('\\r progress bars and a million lines', () => {
    const bar = Array.from({ length: 3000 }, (_, i) => `Progress ${i}%`).join('\r');
    assert.deepEqual(timed(() => gitLabTraceLines(bar + '\r\n')), ['Progress 2999%']);
    // Past MAX_LINE_CHARS the line is cut first, so only a bounded prefix is looked at.
    const huge = Array.from({ length: 200_000 }, (_, i) => `Progress ${i}%`).join('\r');
    const out = timed(() => gitLabTraceLines(huge));
    assert.equal(out.length, 1);
    assert.ok(out[0]!.startsWith('P') && out[0]!.length < 32);
    const many = '2024-01-01T00:00:00.0000000Z ##[group]Run echo\n'.repeat(1_000_000);
    const f = timed(() => parseGitHubJobLog(many));
    assert.ok(f.steps.length <= 10_000);
    assert.equal(f.lineCount, 1_000_000);
    const gl = timed(() => parseGitLabJobTrace('section_start:1:x\r\x1b[0Ksection_end:2:x\r\x1b[0K\n'.repeat(200_000)));
    assert.equal(gl.sections.length, 10_000);
  });
});
