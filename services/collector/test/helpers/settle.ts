import assert from 'node:assert/strict';
import type { Collected } from './collect-messages.js';
import type { Harness } from './collector-harness.js';
import { validRunEvent } from './run-event.js';

/**
 * Publishes a marker run event on `pipelineId`'s partition and waits for it: the
 * bus keeps one key in order, so once the marker is consumed every earlier message
 * for that pipeline has been too. Returns the event ids consumed before it.
 */
export async function settledRunIds(harness: Harness, runs: Collected, pipelineId: string, headers: Record<string, string> = {}): Promise<string[]> {
  const marker = validRunEvent({ pipeline: { id: pipelineId } });
  const response = await harness.post('/v1/events', JSON.stringify(marker), 'application/json', headers);
  assert.equal(response.status, 202);
  await runs.waitForEvent(marker.event_id as string);
  return runs.eventIds().filter((id) => id !== marker.event_id);
}
