import { digestFingerprint } from '../fingerprint.js';
import { shortDigest } from '../format.js';
import { dependencyKey } from '../normalize.js';
import type { Candidate, Rule, RuleContext } from './rule.js';
import { artifactEverSigned, knownActionCommit, knownArtifact, knownDependency, wasAlerted } from '../baseline.js';

/**
 * Checksums and signatures (M1591, M1590). These judge from the second sighting on,
 * without waiting for a full baseline: one earlier digest is enough to know the
 * same version should not have changed.
 */
export const integrityRule: Rule = (context) => [
  ...dependencyFindings(context),
  ...artifactFindings(context),
  ...actionFindings(context),
];

/** Versions that are rebuilt by design. */
const MUTABLE_VERSION = /(snapshot|dev|nightly|latest|edge|canary)/i;

/**
 * Refs that are meant to move: major-only tags and branch names, including
 * branch paths such as `release/v1` (pypa/gh-action-pypi-publish's documented
 * ref); version tags carry no slash.
 */
const FLOATING_REF = /^(v?\d+|main|master|develop|trunk|latest|stable|release(s)?|[\w.-]+\/[\w./-]+)$/i;

function dependencyFindings(context: RuleContext): Candidate[] {
  const out: Candidate[] = [];
  for (const dependency of context.event.dependencies ?? []) {
    const key = dependencyKey(dependency.name, dependency.version);
    const expected = knownDependency(context.baseline, key);
    const fingerprint = digestFingerprint(dependency.digest);
    if (!expected || expected === fingerprint) continue;
    const label = dependency.version ? `${dependency.name}@${dependency.version}` : dependency.name;
    // A floating ref (an action's `v4`, a branch) moves on every upstream release: as with a
    // moved action tag, a note once per new digest, then learned.
    if (dependency.version && FLOATING_REF.test(dependency.version)) {
      const onceKey = `dependency|${key}|${fingerprint}`;
      if (wasAlerted(context.baseline, onceKey)) continue;
      out.push({
        ruleId: 'integrity.dependency.digest_mismatch',
        ruleName: 'Dependency checksum changed',
        category: 'integrity',
        severity: 'low',
        score: 0.35,
        onceKey,
        subject: key,
        summary: `${label} now has content digest ${shortDigest(dependency.digest)} instead of ${shortDigest(expected)}${dependency.source ? ` (${dependency.source})` : ''}; ${dependency.version} is a ref that moves on each release, but a retargeted ref is also how tj-actions/changed-files was hijacked: check upstream published a release, and pin to a reviewed commit.`,
        evidence: { observed: { ...dependency }, expected_digest_prefix: expected, floating_ref: true },
        mitigations: ['M1591'],
      });
      continue;
    }
    // A download with no version, or a version rebuilt by design (an installer script
    // fetched from its latest URL), changes whenever upstream publishes: reported once
    // at medium, then learned. A pinned version changing is tampering: reported on
    // every run that uses it (critical, so never learned and never becoming normal).
    if (!dependency.version || MUTABLE_VERSION.test(dependency.version)) {
      out.push({
        ruleId: 'integrity.dependency.digest_mismatch',
        ruleName: 'Dependency checksum changed',
        category: 'integrity',
        severity: 'medium',
        score: 0.6,
        subject: key,
        summary: `${label}, fetched without a fixed version${dependency.source ? ` from ${dependency.source}` : ''}, arrived with digest ${shortDigest(dependency.digest)} instead of ${shortDigest(expected)}; upstream may have published a new one, or the download was altered: pin it to a version and checksum so a change is provable.`,
        evidence: { observed: { ...dependency }, expected_digest_prefix: expected, unpinned: true, first_seen_by: 'earlier runs of this pipeline' },
        mitigations: ['M1591', 'D1590'],
      });
      continue;
    }
    out.push({
      ruleId: 'integrity.dependency.digest_mismatch',
      ruleName: 'Dependency checksum changed',
      category: 'integrity',
      severity: 'critical',
      score: 0.97,
      subject: key,
      summary: `${label} arrived with digest ${shortDigest(dependency.digest)} but earlier runs got ${shortDigest(expected)} for the same version${dependency.source ? ` from ${dependency.source}` : ''}; the download was altered: pin and verify it, and rotate every secret this job could read.`,
      evidence: { observed: { ...dependency }, expected_digest_prefix: expected, first_seen_by: 'earlier runs of this pipeline' },
      mitigations: ['M1591', 'D1590'],
    });
  }
  return out;
}

function artifactFindings(context: RuleContext): Candidate[] {
  const out: Candidate[] = [];
  for (const artifact of context.event.artifacts ?? []) {
    const key = dependencyKey(artifact.name, artifact.version);
    const label = artifact.version ? `${artifact.name}@${artifact.version}` : artifact.name;
    const previous = knownArtifact(context.baseline, key);
    const everSigned = previous?.signed === true || artifactEverSigned(context.baseline, artifact.name);
    if (artifact.signature_verified === false) {
      out.push({
        ruleId: 'integrity.artifact.signature_invalid',
        ruleName: 'Artifact signature failed verification',
        category: 'integrity',
        severity: 'critical',
        score: 0.98,
        subject: key,
        summary: `Artifact ${label} (${shortDigest(artifact.digest)}) carries a signature that does not verify${artifact.signer ? ` for signer ${artifact.signer}` : ''}; do not publish or deploy it and find out who built it.`,
        evidence: { observed: { ...artifact } },
        mitigations: ['M1590'],
      });
    } else if (artifact.signed === false) {
      out.push({
        ruleId: 'integrity.artifact.unsigned',
        ruleName: 'Artifact not signed',
        category: 'integrity',
        severity: everSigned ? 'high' : 'low',
        score: everSigned ? 0.8 : 0.3,
        subject: key,
        summary: everSigned
          ? `Artifact ${label} was produced unsigned although earlier builds of ${artifact.name} were signed; check whether signing was removed from the pipeline and hold the release.`
          : `Artifact ${label} is not signed; sign release artifacts so consumers can verify them (M1590).`,
        evidence: { observed: { ...artifact }, previously_signed: everSigned },
        mitigations: ['M1590'],
      });
    }
    const fingerprint = digestFingerprint(artifact.digest);
    const onceKey = `artifact|${key}|${fingerprint}`;
    if (previous && artifact.version && previous.digest !== fingerprint && !wasAlerted(context.baseline, onceKey)) {
      // A re-run of the same CI run, or a snapshot version, is expected to rebuild differently.
      const expected = previous.run === context.event.run.id || MUTABLE_VERSION.test(artifact.version);
      out.push({
        ruleId: 'integrity.artifact.digest_changed',
        ruleName: 'Same artifact version rebuilt with a different digest',
        category: 'integrity',
        severity: expected ? 'low' : 'high',
        score: expected ? 0.3 : 0.85,
        onceKey,
        subject: `${key}#digest`,
        summary: `Artifact ${label} was built again with digest ${shortDigest(artifact.digest)}, not the ${shortDigest(previous.digest)} recorded for that version; a released version must not change: compare the two builds' inputs.`,
        evidence: { observed: { ...artifact }, expected_digest_prefix: previous.digest, recorded_by_run: previous.run },
        mitigations: ['M1590', 'M1591'],
      });
    }
  }
  return out;
}

function actionFindings(context: RuleContext): Candidate[] {
  const out: Candidate[] = [];
  for (const step of context.event.steps ?? []) {
    if (!step.action || !step.action_sha) continue;
    const expected = knownActionCommit(context.baseline, step.action);
    if (!expected || expected === step.action_sha) continue;
    const onceKey = `action|${step.action}|${step.action_sha}`;
    if (wasAlerted(context.baseline, onceKey)) continue;
    // Major tags (v4) and branches move on every release by design; an exact version tag must not.
    const floating = FLOATING_REF.test(step.action.slice(step.action.lastIndexOf('@') + 1));
    out.push({
      ruleId: 'integrity.action.ref_moved',
      ruleName: 'Action tag now points at a different commit',
      category: 'integrity',
      severity: floating ? 'low' : 'high',
      score: floating ? 0.35 : 0.9,
      onceKey,
      subject: step.action,
      summary: floating
        ? `${step.action} now resolves to commit ${step.action_sha.slice(0, 12)} instead of ${expected.slice(0, 12)}; major tags move on each release, but a retargeted tag is also how tj-actions/changed-files was hijacked: check the action published a release, and pin it to a reviewed commit SHA.`
        : `${step.action} resolved to commit ${step.action_sha.slice(0, 12)} instead of ${expected.slice(0, 12)} seen before; an exact version tag must never move, and a moved tag is how tj-actions/changed-files was hijacked: pin the action to a reviewed commit SHA.`,
      evidence: { observed: { step: step.name, action: step.action, action_sha: step.action_sha }, expected_sha: expected, floating_ref: floating },
      mitigations: ['M1591'],
    });
  }
  return out;
}
