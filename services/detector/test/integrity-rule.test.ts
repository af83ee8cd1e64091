import assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, detectRun } from '../src/index.js';
import { makeRun } from './make-run.js';
import { judge, trained } from './trained.js';

const sha = (byte: string) => `sha256:${byte.repeat(32)}`;

describe('integrity rule', () => {
  it('flags the same dependency version arriving with a new digest as critical (the Codecov case)', () => {
    const findings = judge({ dependencies: [{ name: 'codecov-uploader', version: '0.7.1', digest: sha('ff'), source: 'https://uploader.codecov.io' }] });
    const finding = findings.find((f) => f.rule.id === 'integrity.dependency.digest_mismatch');
    assert.ok(finding);
    assert.equal(finding.severity, 'critical');
    assert.deepEqual(finding.threat?.mitigations, ['M1591', 'D1590']);
    // The baseline keeps a 64-bit fingerprint of the earlier digest (sha256:1111…).
    assert.equal((finding.evidence as { expected_digest_prefix: string }).expected_digest_prefix, '11'.repeat(8));
  });

  it('judges digests from the second sighting, before any resource baseline exists', () => {
    const first = makeRun(1);
    const seen = detectRun(undefined, first, DEFAULT_SETTINGS, first.occurred_at).baseline;
    const swapped = makeRun(2, { dependencies: [{ name: 'codecov-uploader', version: '0.7.1', digest: sha('ee') }] });
    const detection = detectRun(seen, swapped, DEFAULT_SETTINGS, swapped.occurred_at);
    assert.equal(detection.status, 'learning');
    assert.deepEqual(detection.findings.map((f) => f.rule.id), ['integrity.dependency.digest_mismatch']);
  });

  it('notes a floating ref (an action directory\'s v4) with new content once, low, then learns it', () => {
    const tree = (digest: string) => ({ dependencies: [{ name: 'actions/checkout', version: 'v4', digest, source: 'runner _actions directory' }] });
    const one = makeRun(1, tree(sha('aa')));
    let baseline = detectRun(undefined, one, DEFAULT_SETTINGS, one.occurred_at).baseline;
    const moved = makeRun(2, tree(sha('bb')));
    const detection = detectRun(baseline, moved, DEFAULT_SETTINGS, moved.occurred_at);
    assert.deepEqual(detection.findings.map((f) => [f.rule.id, f.severity]), [['integrity.dependency.digest_mismatch', 'low']]);
    assert.match(detection.findings[0]!.summary, /moves on each release/);
    baseline = detection.baseline;
    const again = makeRun(3, tree(sha('bb')));
    assert.deepEqual(detectRun(baseline, again, DEFAULT_SETTINGS, again.occurred_at).findings, []);
    // An exact version is no floating ref: the same change stays critical.
    const exact = (digest: string) => ({ dependencies: [{ name: 'actions/checkout', version: 'v4.2.2', digest, source: 'runner _actions directory' }] });
    const first = makeRun(4, exact(sha('aa')));
    const pinned = detectRun(undefined, first, DEFAULT_SETTINGS, first.occurred_at).baseline;
    const swapped = makeRun(5, exact(sha('cc')));
    assert.equal(detectRun(pinned, swapped, DEFAULT_SETTINGS, swapped.occurred_at).findings[0]?.severity, 'critical');
  });

  it('accepts a new version with its own digest (a normal upgrade)', () => {
    assert.deepEqual(judge({ dependencies: [{ name: 'codecov-uploader', version: '0.8.0', digest: sha('ab') }] }), []);
  });

  it('flags an artifact whose signature does not verify as critical', () => {
    const findings = judge({ artifacts: [{ name: 'app', version: '1.2.3', digest: sha('cd'), signed: true, signature_verified: false }] });
    assert.equal(findings.find((f) => f.rule.id === 'integrity.artifact.signature_invalid')?.severity, 'critical');
  });

  it('rates an unsigned artifact high when earlier builds were signed, low when never signed', () => {
    let baseline = detectRun(undefined, makeRun(1, { artifacts: [{ name: 'app', version: '1.0.0', digest: sha('01'), signed: true, signature_verified: true }] }), DEFAULT_SETTINGS, makeRun(1).occurred_at).baseline;
    const unsigned = makeRun(2, { artifacts: [{ name: 'app', version: '1.0.1', digest: sha('02'), signed: false }] });
    assert.equal(detectRun(baseline, unsigned, DEFAULT_SETTINGS, unsigned.occurred_at).findings[0]?.severity, 'high');
    baseline = detectRun(undefined, makeRun(1), DEFAULT_SETTINGS, makeRun(1).occurred_at).baseline;
    assert.equal(detectRun(baseline, unsigned, DEFAULT_SETTINGS, unsigned.occurred_at).findings[0]?.severity, 'low');
  });

  it('flags the same artifact version rebuilt with a different digest', () => {
    const one = makeRun(1, { artifacts: [{ name: 'app', version: '2.0.0', digest: sha('01') }] });
    const baseline = detectRun(undefined, one, DEFAULT_SETTINGS, one.occurred_at).baseline;
    const two = makeRun(2, { artifacts: [{ name: 'app', version: '2.0.0', digest: sha('09') }] });
    assert.deepEqual(detectRun(baseline, two, DEFAULT_SETTINGS, two.occurred_at).findings.map((f) => f.rule.id), ['integrity.artifact.digest_changed']);
  });

  it('flags an exact version tag that now resolves to another commit as high (the tj-actions case)', () => {
    const step = (ref: string, commit: string) => [{ name: 'changed files', action: `tj-actions/changed-files@${ref}`, action_sha: commit.repeat(40) }];
    const one = makeRun(1, { steps: step('v45.0.7', 'a') });
    const baseline = detectRun(undefined, one, DEFAULT_SETTINGS, one.occurred_at).baseline;
    const two = makeRun(2, { steps: step('v45.0.7', 'b') });
    const findings = detectRun(baseline, two, DEFAULT_SETTINGS, two.occurred_at).findings;
    assert.deepEqual(findings.map((f) => [f.rule.id, f.severity]), [['integrity.action.ref_moved', 'high']]);
    assert.match(findings[0]!.summary, /pin the action/);
  });

  it('notes a moved major tag (v45) as low: major tags move on every release', () => {
    const step = (commit: string) => [{ name: 'changed files', action: 'tj-actions/changed-files@v45', action_sha: commit.repeat(40) }];
    const one = makeRun(1, { steps: step('a') });
    const baseline = detectRun(undefined, one, DEFAULT_SETTINGS, one.occurred_at).baseline;
    const two = makeRun(2, { steps: step('b') });
    assert.deepEqual(detectRun(baseline, two, DEFAULT_SETTINGS, two.occurred_at).findings.map((f) => [f.rule.id, f.severity]), [['integrity.action.ref_moved', 'low']]);
  });

  it('notes a moved branch path (release/v1) as low, like a major tag', () => {
    const step = (commit: string) => [{ name: 'publish', action: 'pypa/gh-action-pypi-publish@release/v1', action_sha: commit.repeat(40) }];
    const baseline = detectRun(undefined, makeRun(1, { steps: step('a') }), DEFAULT_SETTINGS, makeRun(1).occurred_at).baseline;
    const moved = detectRun(baseline, makeRun(2, { steps: step('b') }), DEFAULT_SETTINGS, makeRun(2).occurred_at);
    assert.deepEqual(moved.findings.map((f) => [f.rule.id, f.severity]), [['integrity.action.ref_moved', 'low']]);
    const exact = (commit: string) => [{ name: 'publish', action: 'pypa/gh-action-pypi-publish@v1.12.4', action_sha: commit.repeat(40) }];
    const pinned = detectRun(undefined, makeRun(1, { steps: exact('a') }), DEFAULT_SETTINGS, makeRun(1).occurred_at).baseline;
    assert.equal(detectRun(pinned, makeRun(2, { steps: exact('b') }), DEFAULT_SETTINGS, makeRun(2).occurred_at).findings[0]?.severity, 'high');
  });

  it('reports a changed dependency digest on every run that uses it, never learning it as normal', () => {
    let baseline = trained();
    const swapped = (i: number) => makeRun(i, { dependencies: [{ name: 'codecov-uploader', version: '0.7.1', digest: sha('ee') }] });
    for (const i of [600, 601, 602]) {
      const detection = detectRun(baseline, swapped(i), DEFAULT_SETTINGS, swapped(i).occurred_at);
      assert.deepEqual(detection.findings.map((f) => f.rule.id), ['integrity.dependency.digest_mismatch']);
      assert.equal(detection.learned, false);
      baseline = detection.baseline;
    }
  });

  it('reports an unversioned download whose content changed once, at medium, then learns it (an installer script updated upstream)', () => {
    const installer = (i: number, byte: string) => makeRun(i, { dependencies: [{ name: 'get-helm-3', digest: sha(byte), source: 'https://raw.githubusercontent.com' }] });
    let baseline = detectRun(trained(), installer(600, 'a1'), DEFAULT_SETTINGS, installer(600, 'a1').occurred_at).baseline;
    const changed = detectRun(baseline, installer(601, 'b2'), DEFAULT_SETTINGS, installer(601, 'b2').occurred_at);
    assert.deepEqual(changed.findings.map((f) => [f.rule.id, f.severity]), [['integrity.dependency.digest_mismatch', 'medium']]);
    assert.match(changed.findings[0]!.summary, /without a fixed version/);
    assert.equal(changed.learned, true);
    baseline = changed.baseline;
    assert.deepEqual(detectRun(baseline, installer(602, 'b2'), DEFAULT_SETTINGS, installer(602, 'b2').occurred_at).findings, []);
  });

  it('rates a rebuilt artifact low when it is a re-run of the same CI run or a snapshot version', () => {
    const build = (i: number, runId: string, version: string, byte: string) =>
      makeRun(i, { run: { id: runId, status: 'success' }, artifacts: [{ name: 'app', version, digest: sha(byte) }] });
    const rerunBase = detectRun(undefined, build(1, 'r1', '2.0.0', '01'), DEFAULT_SETTINGS, build(1, 'r1', '2.0.0', '01').occurred_at).baseline;
    assert.equal(detectRun(rerunBase, build(2, 'r1', '2.0.0', '02'), DEFAULT_SETTINGS, build(2, 'r1', '2.0.0', '02').occurred_at).findings[0]?.severity, 'low');
    const snapBase = detectRun(undefined, build(1, 'r1', '2.1.0-SNAPSHOT', '01'), DEFAULT_SETTINGS, build(1, 'r1', '2.1.0-SNAPSHOT', '01').occurred_at).baseline;
    assert.equal(detectRun(snapBase, build(2, 'r2', '2.1.0-SNAPSHOT', '02'), DEFAULT_SETTINGS, build(2, 'r2', '2.1.0-SNAPSHOT', '02').occurred_at).findings[0]?.severity, 'low');
  });
});
