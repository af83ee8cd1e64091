import assert from 'node:assert/strict';
import { createEventDedupe } from '../src/ingest/event-dedupe.js';

describe('createEventDedupe', () => {
  it('remembers ids and forgets the least recently remembered beyond its capacity', () => {
    const dedupe = createEventDedupe(2);
    dedupe.remember(['a', 'b']);
    assert.ok(dedupe.has('a') && dedupe.has('b'));
    dedupe.remember(['c']);
    assert.equal(dedupe.has('a'), false);
    assert.ok(dedupe.has('b') && dedupe.has('c'));
  });

  it('refuses a capacity that is not a positive integer', () => {
    assert.throws(() => createEventDedupe(0), RangeError);
    assert.throws(() => createEventDedupe(1.5), RangeError);
  });
});
