import assert from 'node:assert/strict';
import { createHttpPoster } from '../http-poster.js';
import { startFindingReceiver, type ReceivedFinding } from '../finding-receiver.js';

describe('bench finding receiver and poster', () => {
  it('records each finding once by X-Pipewatch-Finding-Id, over a real keep-alive connection', async () => {
    const receiver = await startFindingReceiver();
    const seen: ReceivedFinding[] = [];
    receiver.onFinding((finding) => seen.push(finding));
    const url = new URL(receiver.url);
    const poster = createHttpPoster(url.origin, 1);
    try {
      const body = JSON.stringify({ finding_id: 'f1', event_ids: ['e1'], rule: { id: 'resource.duration.high' }, detected_at: '2026-11-24T00:00:00.000Z' });
      const first = await poster.post(url.pathname, body, 'application/json');
      await poster.post(url.pathname, body, 'application/json');
      await poster.post(url.pathname, 'not json', 'application/json');
      assert.equal(first.status, 200);
      assert.deepEqual(seen.map((f) => [f.findingId, f.eventIds, f.ruleId]), [['f1', ['e1'], 'resource.duration.high']]);
      assert.deepEqual(receiver.counts(), { requests: 3, duplicates: 1, unreadable: 1 });
    } finally {
      poster.close();
      await receiver.close();
    }
  });

  it('refuses to send anywhere but loopback', () => {
    assert.throws(() => createHttpPoster('http://10.0.0.1:8080', 1), /only send to loopback/);
  });
});
