import assert from 'node:assert/strict';
import { createBearerAuth } from '../src/auth/bearer-auth.js';

describe('createBearerAuth', () => {
  it('lets everything through when no (non-empty) token is configured', () => {
    for (const tokens of [[], ['']]) {
      const auth = createBearerAuth(tokens);
      assert.equal(auth.enabled, false);
      assert.equal(auth.check(undefined), 'ok');
    }
  });

  it('tells a missing token from a wrong one and accepts each configured token', () => {
    const auth = createBearerAuth(['alpha', 'a-much-longer-beta-token']);
    assert.equal(auth.check(undefined), 'missing');
    assert.equal(auth.check('Basic dXNlcjpwYXNz'), 'missing');
    assert.equal(auth.check('Bearer    '), 'missing');
    assert.equal(auth.check('Bearer alph'), 'invalid');
    assert.equal(auth.check('Bearer alpha '), 'ok');
    assert.equal(auth.check('bearer a-much-longer-beta-token'), 'ok');
  });
});
