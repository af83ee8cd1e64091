import assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, detectRun } from '../src/index.js';
import { makeRun } from './make-run.js';

function first(patch: Parameters<typeof makeRun>[1]) {
  const run = makeRun(1, patch);
  return detectRun(undefined, run, DEFAULT_SETTINGS, run.occurred_at).findings;
}

describe('context rule', () => {
  it('flags fork code that ran with secrets, from the very first run', () => {
    const findings = first({ run: { id: 'r1', trigger: 'pull_request', from_fork: true, actor: 'stranger' }, access: { secrets: ['NPM_TOKEN', 'PYPI_TOKEN'] } });
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.rule.id, 'context.untrusted_code.secrets');
    assert.equal(findings[0]!.severity, 'high');
    assert.deepEqual(findings[0]!.threat?.mitigations, ['M1660', 'M1662']);
    assert.match(findings[0]!.summary, /NPM_TOKEN, PYPI_TOKEN/);
  });

  it('flags pull_request_target runs with secrets even without the fork flag', () => {
    assert.equal(first({ run: { id: 'r1', trigger: 'pull_request_target' }, access: { secrets: ['GITHUB_TOKEN'] } })[0]?.rule.id, 'context.untrusted_code.secrets');
  });

  it('is quiet for fork code without secrets and for trusted pushes with secrets', () => {
    assert.deepEqual(first({ run: { id: 'r1', trigger: 'pull_request', from_fork: true }, access: {} }), []);
    assert.deepEqual(first({ run: { id: 'r1', trigger: 'push' }, access: { secrets: ['NPM_TOKEN'] } }), []);
  });
});
