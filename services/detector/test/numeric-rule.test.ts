import assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, detectRun, type PipelineBaseline } from '../src/index.js';
import { makeRun } from './make-run.js';

const settings = DEFAULT_SETTINGS;

function trained(runs = 20): PipelineBaseline {
  let baseline: PipelineBaseline | undefined;
  for (let i = 0; i < runs; i++) baseline = detectRun(baseline, makeRun(i), settings, makeRun(i).occurred_at).baseline;
  return baseline!;
}

function judge(patch: Parameters<typeof makeRun>[1]) {
  const run = makeRun(500, patch);
  return detectRun(trained(), run, settings, run.occurred_at).findings;
}

describe('numeric rule', () => {
  it('flags a duration far above the robust baseline and explains it with numbers', () => {
    const findings = judge({ resources: { duration_s: 720 } });
    const finding = findings.find((f) => f.rule.id === 'resource.duration.high');
    assert.ok(finding, 'expected resource.duration.high');
    assert.equal(finding.rule.category, 'resource');
    const evidence = finding.evidence as { observed: number; baseline: { n: number; median: number; mad: number; band: [number, number] } };
    assert.equal(evidence.observed, 720);
    assert.equal(evidence.baseline.n, 20);
    assert.ok(evidence.baseline.median >= 100 && evidence.baseline.median <= 112);
    assert.ok(evidence.baseline.band[1] < 720);
    assert.match(finding.summary, /12 min/);
    assert.match(finding.summary, /over the last 20 runs/);
    assert.ok(finding.score > 0.5 && finding.score <= 1);
    assert.deepEqual(finding.threat?.technique, { id: 'T0159', name: 'Malicious artifact execution' });
  });

  it('stays quiet for ordinary jitter and for a 20% slower run', () => {
    assert.deepEqual(judge({ resources: { duration_s: 113, cpu_s: 66 } }), []);
    assert.deepEqual(judge({ resources: { duration_s: 125, cpu_s: 72 } }), []);
  });

  it('flags network bytes sent far above normal (exfiltration volume)', () => {
    const findings = judge({ resources: { net_tx_bytes: 900_000_000 } });
    assert.ok(findings.some((f) => f.rule.id === 'resource.net_tx.high'));
  });

  it('judges metrics in both directions', () => {
    assert.ok(judge({ metrics: { tests: 3 } }).some((f) => f.rule.id === 'resource.metric.low' && f.subject === 'metrics.tests'));
    assert.ok(judge({ metrics: { tests: 5000 } }).some((f) => f.rule.id === 'resource.metric.high'));
    assert.deepEqual(judge({ metrics: { tests: 415 } }), []);
  });

  it('scores grow with the deviation', () => {
    const score = (duration: number) => judge({ resources: { duration_s: duration } }).find((f) => f.rule.id === 'resource.duration.high')!.score;
    assert.ok(score(400) < score(800));
    assert.ok(score(800) < score(5000));
  });

  it('gives a deviation of 8+ spreads and 3× the median high severity, and a milder one medium', () => {
    const high = judge({ resources: { duration_s: 2000 } }).find((f) => f.rule.id === 'resource.duration.high')!;
    assert.equal(high.severity, 'high');
    const medium = judge({ resources: { duration_s: 190 } }).find((f) => f.rule.id === 'resource.duration.high')!;
    assert.equal(medium.severity, 'medium');
  });

  it('adapts to a permanent step change instead of alerting forever', () => {
    let baseline = trained();
    const flagged: number[] = [];
    for (let i = 0; i < 40; i++) {
      const run = makeRun(1000 + i, { resources: { duration_s: 170 + (i % 5) } });
      const detection = detectRun(baseline, run, settings, run.occurred_at);
      if (detection.findings.length > 0) flagged.push(i);
      baseline = detection.baseline;
    }
    // The new normal may be questioned at first, but within the window it is learned.
    assert.ok(flagged.every((i) => i < 16), `still flagged at runs ${flagged}`);
  });
});
