import assert from 'node:assert/strict';
import { judgeKeepUp } from '../keep-up.js';
import type { LagSample } from '../lag-sampler.js';

function sample(t: number, runsCommitted: number, runsEnd: number): LagSample {
  return {
    t,
    runs: { lag: runsEnd - runsCommitted, committed: runsCommitted, end: runsEnd },
    findings: { lag: 0, committed: Math.floor(runsCommitted / 100), end: Math.floor(runsCommitted / 100) },
  };
}

describe('bench keep-up verdict', () => {
  it('passes a pipeline whose lag stays within two seconds of input', () => {
    const samples = [0, 5, 10, 15, 20].map((t) => sample(t, t * 1000 - 800, t * 1000));
    const verdict = judgeKeepUp(samples, 1000, 10);
    assert.equal(verdict.keptUp, true, verdict.reasons.join('; '));
    assert.equal(verdict.processedPerS, 1000);
  });

  it('fails a pipeline whose detector lag grows, and says why', () => {
    const samples = [0, 5, 10, 15, 20].map((t) => sample(t, t * 500, t * 1000));
    const verdict = judgeKeepUp(samples, 1000, 10);
    assert.equal(verdict.keptUp, false);
    assert.equal(verdict.runsLagSlopePerS, 500);
    assert.match(verdict.reasons.join('; '), /detector lag ended at 10000/);
  });
});
