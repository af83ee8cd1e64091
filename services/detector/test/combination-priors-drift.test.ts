import assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, detectRun, type PipelineBaseline } from '../src/index.js';
import { makeRun } from './make-run.js';
import { trained } from './trained.js';

describe('weak-signal combination', () => {
  it('raises one high finding when several weak signals from different categories meet in a run', () => {
    const baseline = trained();
    const run = makeRun(700, {
      resources: { duration_s: 200, cpu_s: 62, max_rss_mb: 900, net_tx_bytes: 2_000_000 },
      access: {
        egress: [{ host: 'registry.npmjs.org', port: 443 }, { host: 'github.com', port: 443 }, { host: 'pastebin.example', port: 443 }],
        secrets: ['NPM_TOKEN'],
        processes: [{ exe: '/usr/bin/node', sha256: 'aa'.repeat(32) }, { exe: '/tmp/kworkerds' }],
      },
    });
    const detection = detectRun(baseline, run, DEFAULT_SETTINGS, run.occurred_at);
    const combined = detection.findings.find((f) => f.rule.id === 'context.combined.weak_signals');
    assert.ok(combined, `got ${detection.findings.map((f) => f.rule.id)}`);
    assert.equal(combined.severity, 'high');
    assert.equal((combined.evidence as { signals: string[] }).signals.length, 3);
    assert.equal(detection.learned, false, 'a combined high finding keeps the run out of the baseline');
  });

  it('counts many findings of one rule as one signal: a toolchain upgrade replaces several executables at once', () => {
    const baseline = trained();
    const upgraded = [{ exe: '/usr/bin/node', sha256: 'bb'.repeat(32) }, { exe: '/usr/bin/npm', sha256: 'cc'.repeat(32) }];
    // Teach the second executable first, so both show up as known executables with new hashes.
    const taught = detectRun(baseline, makeRun(650, { access: { ...makeRun(0).access, processes: [...makeRun(0).access!.processes!, { exe: '/usr/bin/npm', sha256: 'dd'.repeat(32) }] } }), DEFAULT_SETTINGS, makeRun(650).occurred_at).baseline;
    const run = makeRun(702, {
      access: { ...makeRun(0).access, egress: [...makeRun(0).access!.egress!, { host: 'mirror.example', port: 443 }], processes: upgraded },
      artifacts: [{ name: 'app', version: '1.0.0', digest: `sha256:${'ee'.repeat(32)}`, signed: false }],
    });
    const detection = detectRun(taught, run, DEFAULT_SETTINGS, run.occurred_at);
    assert.equal(detection.findings.filter((f) => f.rule.id === 'access.process.new_hash').length, 2);
    assert.ok(detection.findings.some((f) => f.rule.id === 'integrity.artifact.unsigned'));
    assert.ok(!detection.findings.some((f) => f.rule.id === 'context.combined.weak_signals'), `got ${detection.findings.map((f) => f.rule.id)}`);
  });

  it('leaves resource figures of a run in the cache-miss shape out of the combination: that benign mode explains them', () => {
    const run = makeRun(703, {
      resources: { ...makeRun(703).resources, duration_s: 230, net_tx_bytes: 400_000_000 },
      access: { ...makeRun(0).access, egress: [...makeRun(0).access!.egress!, { host: 'mirror.example', port: 443 }], processes: [{ exe: '/usr/bin/node', sha256: 'bb'.repeat(32) }] },
      artifacts: [{ name: 'app', version: '1.0.0', digest: `sha256:${'ee'.repeat(32)}`, signed: false }],
    });
    const findings = detectRun(trained(), run, DEFAULT_SETTINGS, run.occurred_at).findings;
    const sent = findings.find((f) => f.rule.id === 'resource.net_tx.high');
    assert.equal((sent?.evidence as { cache_miss_shape: boolean }).cache_miss_shape, true);
    assert.ok(!findings.some((f) => f.rule.id === 'context.combined.weak_signals'), `got ${findings.map((f) => f.rule.id)}`);
  });

  it('pairs a cache-miss-shaped upload with a new host as exfiltration only when bytes were seen going to that host', () => {
    const run = (bytesOut?: number) =>
      makeRun(704, {
        resources: { ...makeRun(704).resources, duration_s: 230, net_tx_bytes: 400_000_000 },
        access: { ...makeRun(0).access, egress: [...makeRun(0).access!.egress!, { host: 'drop.example', port: 443, ...(bytesOut ? { bytes_out: bytesOut } : {}) }] },
      });
    const ids = (bytesOut?: number) => detectRun(trained(), run(bytesOut), DEFAULT_SETTINGS, run(bytesOut).occurred_at).findings.map((f) => f.rule.id);
    assert.ok(!ids().includes('access.egress.exfiltration'), 'the cache upload explains the volume');
    assert.ok(ids(300_000_000).includes('access.egress.exfiltration'), 'bytes seen going to the new host');
  });

  it('does not combine two weak signals', () => {
    const baseline = trained();
    const run = makeRun(701, { access: { ...makeRun(0).access, egress: [...makeRun(0).access!.egress!, { host: 'mirror.example', port: 443 }], processes: [{ exe: '/usr/bin/node', sha256: 'aa'.repeat(32) }, { exe: '/usr/bin/zstd' }] } });
    assert.ok(!detectRun(baseline, run, DEFAULT_SETTINGS, run.occurred_at).findings.some((f) => f.rule.id === 'context.combined.weak_signals'));
  });
});

describe('priors from a sibling pipeline', () => {
  it('judges a learning pipeline against a judged sibling of the same repository, at most medium', () => {
    const sibling = trained();
    const run = makeRun(800, { pipeline: { id: 'github:octo/app:.github/workflows/ci.yml:test', repository: 'octo/app' }, resources: { duration_s: 2000 } });
    const without = detectRun(undefined, run, DEFAULT_SETTINGS, run.occurred_at);
    assert.deepEqual(without.findings, []);
    const withPrior = detectRun(undefined, run, DEFAULT_SETTINGS, run.occurred_at, { prior: sibling });
    const finding = withPrior.findings.find((f) => f.rule.id === 'resource.duration.high');
    assert.equal(finding?.severity, 'medium');
    assert.equal((finding?.evidence as { baseline: { borrowed_from: string } }).baseline.borrowed_from, sibling.pipeline_id);
    assert.match(finding!.summary, /sibling pipeline/);
  });
});

describe('bounded drift', () => {
  it('catches a figure an attacker grows by 25% a run, instead of following it', () => {
    let baseline: PipelineBaseline = trained();
    let value = 2_000_000;
    let caughtAt = -1;
    for (let i = 0; i < 40 && caughtAt < 0; i++) {
      value *= 1.25;
      const run = makeRun(900 + i, { resources: { duration_s: 104, cpu_s: 62, max_rss_mb: 910, net_tx_bytes: Math.round(value) } });
      const detection = detectRun(baseline, run, DEFAULT_SETTINGS, run.occurred_at);
      if (detection.findings.some((f) => f.rule.id === 'resource.net_tx.high')) caughtAt = i;
      baseline = detection.baseline;
    }
    assert.ok(caughtAt >= 0 && caughtAt < 15, `caught at step ${caughtAt}`);
  });
});
