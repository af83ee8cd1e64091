import assert from 'node:assert/strict';
import { pathShape } from '../src/domain/normalize.js';

describe('pathShape', () => {
  it('folds Python tempfile directories into one shape', () => {
    assert.equal(pathShape('/tmp/tmpk3xqabzd/setup.py'), '/tmp/*/setup.py');
    assert.equal(pathShape('/tmp/tmp_9wqlmne/setup.py'), pathShape('/tmp/tmpaqzrtyuw/setup.py'));
  });

  it('folds mktemp names, hex and numbers', () => {
    assert.equal(pathShape('/tmp/tmp.Xa3k9Qw81z/out'), '/tmp/*/out');
    assert.equal(pathShape('/home/runner/.cache/0123456789abcdef/x'), '/home/runner/.cache/*/x');
    assert.equal(pathShape('/var/run/1234/pid'), '/var/run/*/pid');
  });

  it('keeps meaningful places as themselves', () => {
    assert.equal(pathShape('/root/.ssh/authorized_keys'), '/root/.ssh/authorized_keys');
    assert.equal(pathShape('/tmp/tmpfiles/notes'), '/tmp/tmpfiles/notes');
    assert.equal(pathShape('/etc/profile.d/tmpstuff.sh'), '/etc/profile.d/tmpstuff.sh');
  });
});
