import assert from 'node:assert/strict';
import { makeRun } from './make-run.js';
import { judge } from './trained.js';

const usual = makeRun(0);

describe('identity rule', () => {
  it('notes a first-time actor as low severity', () => {
    const findings = judge({ run: { ...usual.run, id: 'r', actor: 'mallory' } });
    const actor = findings.find((f) => f.rule.id === 'access.actor.new');
    assert.equal(actor?.severity, 'low');
    assert.match(actor!.summary, /alice/);
  });

  it('rates a new privileged trigger medium and an ordinary one low', () => {
    assert.equal(judge({ run: { ...usual.run, id: 'r', trigger: 'pull_request_target' } }).find((f) => f.rule.id === 'access.trigger.new')?.severity, 'medium');
    assert.equal(judge({ run: { ...usual.run, id: 'r', trigger: 'schedule' } }).find((f) => f.rule.id === 'access.trigger.new')?.severity, 'low');
  });
});

describe('footprint rule', () => {
  it('flags a write to ~/.ssh high and a new temp path low, by path shape', () => {
    const findings = judge({ access: { ...usual.access, files_written: ['/root/.ssh/authorized_keys', '/tmp/tmp.Xa3k9Q1/out.bin'] } });
    const ssh = findings.find((f) => f.subject === '/root/.ssh/authorized_keys');
    assert.equal(ssh?.severity, 'high');
    const tmp = findings.find((f) => f.rule.id === 'access.file.new_outside_workspace' && f.subject !== '/root/.ssh/authorized_keys');
    assert.equal(tmp?.severity, 'low');
    assert.equal(tmp?.subject, '/tmp/*/out.bin');
  });

  it('flags token permissions wider than any earlier run', () => {
    const findings = judge({ access: { ...usual.access, permissions: { contents: 'write', packages: 'read' } } });
    const widened = findings.filter((f) => f.rule.id === 'access.permissions.widened');
    assert.deepEqual(widened.map((f) => f.subject), ['contents']);
  });
});
