import assert from 'node:assert/strict';
import { Finding } from '@pipewatch/shared';
import { DEFAULT_SETTINGS, detectRun, type PipelineBaseline } from '../src/index.js';
import { makeRun } from './make-run.js';

const settings = DEFAULT_SETTINGS;

function train(runs: number): PipelineBaseline {
  let baseline: PipelineBaseline | undefined;
  for (let i = 0; i < runs; i++) {
    const detection = detectRun(baseline, makeRun(i), settings, makeRun(i).occurred_at);
    assert.deepEqual(detection.findings, [], `benign training run ${i} raised ${detection.findings.map((f) => f.rule.id)}`);
    baseline = detection.baseline;
  }
  return baseline!;
}

describe('detectRun', () => {
  it('says "learning" and judges nothing before minRuns, even for an extreme run', () => {
    const baseline = train(settings.minRuns - 1);
    const wild = makeRun(99, { resources: { duration_s: 100_000 }, access: { egress: [{ host: 'evil.example', port: 443 }] } });
    const detection = detectRun(baseline, wild, settings, wild.occurred_at);
    assert.equal(detection.status, 'learning');
    assert.deepEqual(detection.findings, []);
  });

  it('judges once minRuns runs are learned', () => {
    const baseline = train(settings.minRuns);
    const run = makeRun(50);
    const detection = detectRun(baseline, run, settings, run.occurred_at);
    assert.equal(detection.status, 'judged');
    assert.deepEqual(detection.findings, []);
  });

  it('produces contract-valid findings with deterministic ids', () => {
    const anomalous = makeRun(60, { resources: { duration_s: 900, cpu_s: 600 } });
    const first = detectRun(train(20), anomalous, settings, anomalous.occurred_at);
    const second = detectRun(train(20), anomalous, settings, anomalous.occurred_at);
    assert.ok(first.findings.length >= 2);
    for (const finding of first.findings) assert.equal(Finding.safeParse(finding).success, true, JSON.stringify(finding));
    assert.deepEqual(first.findings.map((f) => f.finding_id), second.findings.map((f) => f.finding_id));
    assert.equal(new Set(first.findings.map((f) => f.finding_id)).size, first.findings.length);
  });

  it('does not let a run with a high finding into the baseline', () => {
    const baseline = train(20);
    const runsBefore = baseline.runs;
    const durationsBefore = [...baseline.numeric['resources.duration_s']!];
    const attack = makeRun(70, { resources: { duration_s: 5000, cpu_s: 4000 }, access: { ...makeRun(0).access, egress: [{ ip: '198.51.100.7', port: 4444, resolved: false }] } });
    const detection = detectRun(baseline, attack, settings, attack.occurred_at);
    assert.ok(detection.findings.some((f) => f.severity === 'high' || f.severity === 'critical'));
    assert.equal(detection.learned, false);
    assert.equal(detection.baseline.runs, runsBefore);
    assert.deepEqual(detection.baseline.numeric['resources.duration_s'], durationsBefore);
    // The same attack again is still an attack: the baseline was not poisoned by the first one.
    const again = makeRun(71, { resources: { duration_s: 5000, cpu_s: 4000 }, access: { ...makeRun(0).access, egress: [{ ip: '198.51.100.7', port: 4444, resolved: false }] } });
    assert.ok(detectRun(detection.baseline, again, settings, again.occurred_at).findings.some((f) => f.rule.id === 'resource.duration.high'));
  });

  it('learns medium findings so the same novelty is reported once, not on every run', () => {
    const baseline = train(20);
    const withHost = (i: number) =>
      makeRun(i, { access: { egress: [{ host: 'registry.npmjs.org', port: 443 }, { host: 'github.com', port: 443 }, { host: 'cache.example.org', port: 443 }], secrets: ['NPM_TOKEN'] } });
    const first = detectRun(baseline, withHost(80), settings, withHost(80).occurred_at);
    assert.deepEqual(first.findings.map((f) => f.rule.id), ['access.egress.new_host']);
    assert.equal(first.learned, true);
    const second = detectRun(first.baseline, withHost(81), settings, withHost(81).occurred_at);
    assert.deepEqual(second.findings, []);
  });

  it('drops a redelivered event without findings or learning', () => {
    const baseline = train(20);
    const run = makeRun(90, { resources: { duration_s: 2000 } });
    const first = detectRun(baseline, run, settings, run.occurred_at);
    assert.ok(first.findings.length > 0);
    const runs = first.baseline.runs;
    const again = detectRun(first.baseline, run, settings, run.occurred_at);
    assert.equal(again.status, 'duplicate');
    assert.deepEqual(again.findings, []);
    assert.equal(again.baseline.runs, runs);
  });

  it('orders findings most severe first', () => {
    const baseline = train(20);
    const run = makeRun(95, {
      resources: { duration_s: 5000 },
      run: { id: 'run-95', trigger: 'pull_request_target', from_fork: true },
      access: { egress: [{ ip: '203.0.113.9', port: 3333, resolved: false }], secrets: ['NPM_TOKEN'] },
      dependencies: [{ name: 'codecov-uploader', version: '0.7.1', digest: `sha256:${'22'.repeat(32)}` }],
    });
    const ranks = { low: 1, medium: 2, high: 3, critical: 4 } as const;
    const severities = detectRun(baseline, run, settings, run.occurred_at).findings.map((f) => ranks[f.severity]);
    assert.ok(severities.length >= 4);
    assert.deepEqual(severities, [...severities].sort((a, b) => b - a));
  });
});
