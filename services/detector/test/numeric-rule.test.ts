import assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, detectRun, type PipelineBaseline } from '../src/index.js';
import { nextUpperMode } from '../src/domain/learn-run.js';
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

  it('rates a lone duration rise low, and high only when extreme: at least 3x the upper mode', () => {
    const severity = (duration: number) => judge({ resources: { duration_s: duration } }).find((f) => f.rule.id === 'resource.duration.high')!.severity;
    assert.equal(severity(190), 'low');
    assert.equal(severity(330), 'low', 'strong (over 3x the median) but within 3x the largest recent run');
    assert.equal(severity(400), 'high');
    assert.equal(severity(2000), 'high');
  });

  it('keeps the duration of a failed run low however long it ran: jobs killed by a timeout end that way', () => {
    const failed = judge({ run: { id: 'run-500', status: 'failure', trigger: 'push', actor: 'alice' }, resources: { duration_s: 2000 } });
    assert.equal(failed.find((f) => f.rule.id === 'resource.duration.high')?.severity, 'low');
  });

  it('rates CPU far past every recent run high (a miner), and a milder rise low', () => {
    const severity = (cpu: number) => judge({ resources: { cpu_s: cpu } }).find((f) => f.rule.id === 'resource.cpu.high')!.severity;
    assert.equal(severity(1000), 'high');
    assert.equal(severity(110), 'low');
  });

  it('keeps a lone transfer-volume spike low, and medium only far beyond anything seen', () => {
    const severity = (bytes: number) => judge({ resources: { net_tx_bytes: bytes } }).find((f) => f.rule.id === 'resource.net_tx.high')!.severity;
    assert.equal(severity(8_000_000), 'low');
    assert.equal(severity(9_000_000_000), 'medium');
  });

  it('learns an upper mode from values above the band and keeps it after the peak has faded (rarity)', () => {
    let baseline = trained();
    const miss = (i: number) => makeRun(i, { resources: { ...makeRun(i).resources, duration_s: 230 } });
    for (let i = 600; i < 603; i++) baseline = detectRun(baseline, miss(i), settings, miss(i).occurred_at).baseline;
    assert.equal(baseline.tails?.['resources.duration_s'], 230);
    // 80 ordinary runs: the misses leave the window and the peak fades below them.
    for (let i = 603; i < 683; i++) baseline = detectRun(baseline, makeRun(i), settings, makeRun(i).occurred_at).baseline;
    assert.ok(baseline.peaks['resources.duration_s']! < 230 / 1.5);
    const slow = makeRun(700, { resources: { ...makeRun(700).resources, duration_s: 300 } });
    const findings = detectRun(structuredClone(baseline), slow, settings, slow.occurred_at).findings;
    assert.ok(!findings.some((f) => f.rule.id === 'resource.duration.high'), 'a run like the known upper mode is not news');
    const slower = makeRun(701, { resources: { ...makeRun(701).resources, duration_s: 400 } });
    const flagged = detectRun(baseline, slower, settings, slower.occurred_at).findings.find((f) => f.rule.id === 'resource.duration.high');
    assert.ok(flagged, 'well past the upper mode is still news');
    assert.equal((flagged.evidence as { baseline: { upper_mode: number } }).baseline.upper_mode, 230);
  });

  it('judges bytes sent rising alone against ordinary runs, so an earlier cache upload cannot hide an exfiltration', () => {
    let baseline = trained();
    // Two cache misses: a fresh cache uploaded while the run also took longer.
    for (const i of [600, 601]) {
      const miss = makeRun(i, { resources: { ...makeRun(i).resources, duration_s: 230, net_tx_bytes: 400_000_000 } });
      baseline = detectRun(baseline, miss, settings, miss.occurred_at).baseline;
    }
    const alone = makeRun(700, { resources: { ...makeRun(700).resources, net_tx_bytes: 60_000_000 } });
    const sent = detectRun(baseline, alone, settings, alone.occurred_at).findings.find((f) => f.rule.id === 'resource.net_tx.high');
    assert.ok(sent, 'bytes sent rising alone are judged against the ordinary runs');
    assert.equal((sent.evidence as { judged_against: string }).judged_against, 'ordinary_runs');
    const withMiss = makeRun(701, { resources: { ...makeRun(701).resources, duration_s: 230, net_tx_bytes: 60_000_000 } });
    assert.ok(!detectRun(baseline, withMiss, settings, withMiss.occurred_at).findings.some((f) => f.rule.id === 'resource.net_tx.high'), 'inside the cache-miss shape the same bytes are normal');
  });

  it('keeps the first upload of a cache-miss-shaped run low even when no upper mode is known yet', () => {
    const run = makeRun(600, { resources: { ...makeRun(600).resources, duration_s: 230, net_tx_bytes: 400_000_000 } });
    const finding = detectRun(trained(), run, settings, run.occurred_at).findings.find((f) => f.rule.id === 'resource.net_tx.high');
    assert.equal(finding?.severity, 'low');
    assert.equal((finding.evidence as { cache_miss_shape: boolean }).cache_miss_shape, true);
  });

  it('moves the upper-mode level up fast and down slowly', () => {
    assert.equal(nextUpperMode(undefined, 200), 200);
    assert.equal(nextUpperMode(200, 300), 250);
    assert.equal(nextUpperMode(200, 100), 190);
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
