import assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, detectRun } from '../src/index.js';
import { makeRun } from './make-run.js';
import { trained } from './trained.js';

function first(patch: Parameters<typeof makeRun>[1]) {
  const run = makeRun(1, patch);
  return detectRun(undefined, run, DEFAULT_SETTINGS, run.occurred_at).findings.map((f) => [f.rule.id, f.severity]);
}

describe('context rule: untrusted code', () => {
  it('flags fork code on a persistent self-hosted runner', () => {
    const findings = first({ run: { id: 'r', trigger: 'pull_request', from_fork: true }, runner: { name: 'build-01', self_hosted: true, ephemeral: false }, access: {} });
    assert.deepEqual(findings, [['context.untrusted_code.persistent_runner', 'high']]);
  });

  it('is quiet for fork code on an ephemeral self-hosted runner', () => {
    assert.deepEqual(first({ run: { id: 'r', from_fork: true }, runner: { self_hosted: true, ephemeral: true }, access: {} }), []);
  });

  it('flags a write token handed to pull_request_target code', () => {
    const findings = first({ run: { id: 'r', trigger: 'pull_request_target' }, access: { permissions: { contents: 'write', issues: 'read' } } });
    assert.deepEqual(findings, [['context.untrusted_code.write_permissions', 'high']]);
  });
});

describe('context rule: release jobs', () => {
  it('flags a release job run by a new actor on a new trigger as high', () => {
    const baseline = trained();
    const run = makeRun(600, { pipeline: { id: baseline.pipeline_id, job: 'publish' }, run: { id: 'r600', actor: 'mallory', trigger: 'workflow_dispatch', status: 'success' } });
    const ids = detectRun(baseline, run, DEFAULT_SETTINGS, run.occurred_at).findings.map((f) => [f.rule.id, f.severity]);
    assert.deepEqual(ids.find(([id]) => id === 'context.release.unusual_identity'), ['context.release.unusual_identity', 'high']);
  });

  it('leaves a non-release job with a new actor to the low identity rule', () => {
    const baseline = trained();
    const run = makeRun(600, { pipeline: { id: baseline.pipeline_id, job: 'test' }, run: { id: 'r600', actor: 'bob', trigger: 'push', status: 'success' } });
    const ids = detectRun(baseline, run, DEFAULT_SETTINGS, run.occurred_at).findings.map((f) => f.rule.id);
    assert.deepEqual(ids, ['access.actor.new']);
  });
});
