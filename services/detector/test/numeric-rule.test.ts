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

  it('rates a duration far past every recent run high, and a milder one medium', () => {
    assert.equal(judge({ resources: { duration_s: 2000 } }).find((f) => f.rule.id === 'resource.duration.high')!.severity, 'high');
    assert.equal(judge({ resources: { duration_s: 190 } }).find((f) => f.rule.id === 'resource.duration.high')!.severity, 'medium');
  });

  it('keeps a transfer-volume spike alone at medium, however large, so a normal heavy tail can be learned', () => {
    assert.equal(judge({ resources: { net_tx_bytes: 9_000_000_000 } }).find((f) => f.rule.id === 'resource.net_tx.high')!.severity, 'medium');
  });

  it('raises a spike of bytes sent to high when the same run first contacts a new host (exfiltration)', () => {
    const findings = judge({ resources: { net_tx_bytes: 900_000_000 }, access: { ...makeRun(0).access, egress: [...makeRun(0).access!.egress!, { host: 'drop.evil.example', port: 443 }] } });
    const exfil = findings.find((f) => f.rule.id === 'access.egress.exfiltration');
    assert.equal(exfil?.severity, 'high');
    assert.match(exfil!.summary, /drop\.evil\.example/);
  });

  it('stays quiet for a value inside the tail of recent runs (a cache miss seen before)', () => {
    let baseline = trained();
    const miss = (i: number) => makeRun(i, { resources: { duration_s: 230, cpu_s: 60, max_rss_mb: 900, net_tx_bytes: 2_000_000 } });
    const first = detectRun(baseline, miss(700), DEFAULT_SETTINGS, miss(700).occurred_at);
    assert.ok(first.findings.some((f) => f.rule.id === 'resource.duration.high'), 'the first ever miss is news');
    baseline = first.baseline;
    for (let i = 701; i < 706; i++) baseline = detectRun(baseline, makeRun(i), DEFAULT_SETTINGS, makeRun(i).occurred_at).baseline;
    assert.deepEqual(detectRun(baseline, miss(710), DEFAULT_SETTINGS, miss(710).occurred_at).findings, []);
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
