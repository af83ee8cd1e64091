import assert from 'node:assert/strict';
import { collectRuns, type Collected } from './helpers/collect-messages.js';
import { startCollector, type Harness } from './helpers/collector-harness.js';
import { toNdjson, validRunEvent } from './helpers/run-event.js';

describe('POST /v1/events (duplicate event ids)', () => {
  let harness: Harness;
  let runs: Collected;

  beforeEach(async () => {
    harness = await startCollector();
    runs = await collectRuns(harness.bus, harness.topics);
  });
  afterEach(async () => {
    await runs.close();
    await harness.close();
  });

  /** Same pipeline key, so once the marker is consumed every earlier message has been too. */
  async function drain(): Promise<string[]> {
    const marker = validRunEvent();
    assert.equal((await harness.post('/v1/events', JSON.stringify(marker))).status, 202);
    await runs.waitForEvent(marker.event_id as string);
    return runs.eventIds().filter((id) => id !== marker.event_id);
  }

  it('counts a repeated id within one NDJSON body as accepted and duplicate, and publishes it once', async () => {
    const event = validRunEvent();
    const other = validRunEvent();
    const response = await harness.post('/v1/events', toNdjson([event, other, event]), 'application/x-ndjson');
    assert.equal(response.status, 202);
    assert.deepEqual(await response.json(), { accepted: 3, rejected: 0, duplicates: 1, errors: [] });
    assert.deepEqual(await drain(), [event.event_id, other.event_id]);
  });

  it('counts an id already published by an earlier request as a duplicate and does not publish it again', async () => {
    const event = validRunEvent();
    const first = await harness.post('/v1/events', JSON.stringify(event));
    assert.deepEqual(await first.json(), { accepted: 1, rejected: 0, duplicates: 0, errors: [] });
    const second = await harness.post('/v1/events', JSON.stringify(event));
    assert.equal(second.status, 202);
    assert.deepEqual(await second.json(), { accepted: 1, rejected: 0, duplicates: 1, errors: [] });
    assert.deepEqual(await drain(), [event.event_id]);
  });
});
