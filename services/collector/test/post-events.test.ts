import assert from 'node:assert/strict';
import { collectRuns, type Collected } from './helpers/collect-messages.js';
import { startCollector, type Harness } from './helpers/collector-harness.js';
import { toNdjson, validRunEvent } from './helpers/run-event.js';

describe('POST /v1/events (accepting)', () => {
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

  it('answers 202 to one valid JSON event and publishes it to the runs topic', async () => {
    const event = validRunEvent();
    const response = await harness.post('/v1/events', JSON.stringify(event));
    assert.equal(response.status, 202);
    assert.deepEqual(await response.json(), { accepted: 1, rejected: 0, duplicates: 0, errors: [] });
    const message = await runs.waitForEvent(event.event_id as string);
    assert.deepEqual(JSON.parse(message.value), event);
  });

  it('keys each published message by pipeline.id', async () => {
    const a = validRunEvent({ pipeline: { id: 'gitlab:group/api:.gitlab-ci.yml:test' } });
    const b = validRunEvent({ pipeline: { id: 'jenkins:deploy' } });
    const response = await harness.post('/v1/events', toNdjson([a, b]), 'application/x-ndjson');
    assert.equal(response.status, 202);
    assert.equal((await runs.waitForEvent(a.event_id as string)).key, 'gitlab:group/api:.gitlab-ci.yml:test');
    assert.equal((await runs.waitForEvent(b.event_id as string)).key, 'jenkins:deploy');
  });

  it('accepts the valid lines of an NDJSON body and reports each bad line with its number and issue paths', async () => {
    const good1 = validRunEvent();
    const good2 = validRunEvent();
    const badType = validRunEvent({ resources: { duration_s: 'fast' } });
    const body = [
      JSON.stringify(good1),
      '',
      '{"schema": "pipewatch.run/v1", oops',
      JSON.stringify(badType),
      '   ',
      JSON.stringify(good2),
    ].join('\r\n');
    const response = await harness.post('/v1/events', body, 'application/x-ndjson');
    assert.equal(response.status, 202);
    const answer = (await response.json()) as {
      accepted: number;
      rejected: number;
      duplicates: number;
      errors: Array<{ line: number; code: string; event_id?: string; issues: Array<{ path: string; message: string }> }>;
    };
    assert.equal(answer.accepted, 2);
    assert.equal(answer.rejected, 2);
    assert.equal(answer.duplicates, 0);
    assert.deepEqual(
      answer.errors.map((error) => [error.line, error.code]),
      [
        [3, 'invalid_json'],
        [4, 'invalid_event'],
      ],
    );
    assert.equal(answer.errors[1]!.event_id, badType.event_id);
    assert.deepEqual(answer.errors[1]!.issues.map((issue) => issue.path), ['resources.duration_s']);
    assert.ok(answer.errors[0]!.issues[0]!.message.length > 0, 'the JSON parser message is passed on');

    await runs.waitForEvent(good2.event_id as string);
    assert.deepEqual(runs.eventIds(), [good1.event_id, good2.event_id]);
  });

  it('accepts a JSON body with a charset parameter in its Content-Type', async () => {
    const event = validRunEvent();
    const response = await harness.post('/v1/events', JSON.stringify(event), 'application/json; charset=utf-8');
    assert.equal(response.status, 202);
    await runs.waitForEvent(event.event_id as string);
  });
});
