import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { collectRuns } from './helpers/collect-messages.js';
import { startCollector, type Harness } from './helpers/collector-harness.js';
import { toNdjson, validRunEvent } from './helpers/run-event.js';

describe('POST /v1/events (bus backpressure)', () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('answers 503 with Retry-After when the bus is full, and accepts the same request once the backlog drains', async () => {
    harness = await startCollector({ bus: { maxBacklog: 1 } });
    const first = validRunEvent();
    const second = validRunEvent();
    assert.equal((await harness.post('/v1/events', JSON.stringify(first))).status, 202);

    const refused = await harness.post('/v1/events', JSON.stringify(second));
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get('retry-after'), '5');
    const answer = (await refused.json()) as { error: { code: string; message: string } };
    assert.equal(answer.error.code, 'bus_unavailable');

    const runs = await collectRuns(harness.bus, harness.topics);
    await runs.waitForEvent(first.event_id as string);
    await nextTurn(); // the consumer commits, and the bus trims, just after the handler resolves

    const retried = await harness.post('/v1/events', JSON.stringify(second));
    assert.equal(retried.status, 202);
    assert.deepEqual(await retried.json(), { accepted: 1, rejected: 0, duplicates: 0, errors: [] });
    await runs.waitForEvent(second.event_id as string);
    assert.deepEqual(runs.eventIds(), [first.event_id, second.event_id]);
    await runs.close();
  });

  it('publishes a request whole or not at all', async () => {
    harness = await startCollector({ bus: { maxBacklog: 2 } });
    const three = [validRunEvent(), validRunEvent(), validRunEvent()];
    const refused = await harness.post('/v1/events', toNdjson(three), 'application/x-ndjson');
    assert.equal(refused.status, 503);

    // Had any of the three reached the bus, these two would not fit under the limit of 2.
    const two = [validRunEvent(), validRunEvent()];
    const accepted = await harness.post('/v1/events', toNdjson(two), 'application/x-ndjson');
    assert.equal(accepted.status, 202);
    const runs = await collectRuns(harness.bus, harness.topics);
    await runs.waitForEvent(two[1]!.event_id as string);
    assert.deepEqual(runs.eventIds(), two.map((event) => event.event_id));
    await runs.close();
  });

  it('answers 503 once the bus is closed', async () => {
    harness = await startCollector();
    await harness.bus.close();
    const response = await harness.post('/v1/events', JSON.stringify(validRunEvent()));
    assert.equal(response.status, 503);
    assert.equal(response.headers.get('retry-after'), '5');
  });
});
