import assert from 'node:assert/strict';
import { createBoundedIdSet } from '../src/index.js';

describe('createBoundedIdSet', () => {
  it('forgets the oldest id once over capacity, and re-adding does not reorder', () => {
    const ids = createBoundedIdSet(3);
    for (const id of ['a', 'b', 'c', 'a', 'd']) ids.add(id);
    assert.equal(ids.size, 3);
    assert.equal(ids.has('a'), false);
    assert.deepEqual(['b', 'c', 'd'].map((id) => ids.has(id)), [true, true, true]);
  });

  it('refuses a capacity that is not a positive integer', () => {
    assert.throws(() => createBoundedIdSet(0), RangeError);
  });
});
