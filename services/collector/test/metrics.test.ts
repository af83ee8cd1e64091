import assert from 'node:assert/strict';
import { startCollector, type Harness } from './helpers/collector-harness.js';
import { toNdjson, validRunEvent } from './helpers/run-event.js';

describe('GET /metrics', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startCollector();
  });
  afterEach(async () => harness.close());

  it('exposes event outcomes, requests by route and status, and publish latency in Prometheus text', async () => {
    const repeated = validRunEvent();
    const body = toNdjson([repeated, validRunEvent(), repeated, validRunEvent({ source: 'nope' })]);
    assert.equal((await harness.post('/v1/events', body, 'application/x-ndjson')).status, 202);
    assert.equal((await harness.post('/v1/events', '{')).status, 400);

    const response = await fetch(`${harness.url}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
    const text = await response.text();
    assert.match(text, /^pipewatch_collector_events_total\{outcome="accepted"\} 2$/m);
    assert.match(text, /^pipewatch_collector_events_total\{outcome="duplicate"\} 1$/m);
    assert.match(text, /^pipewatch_collector_events_total\{outcome="rejected"\} 2$/m);
    assert.match(text, /^pipewatch_collector_requests_total\{route="\/v1\/events",status="202"\} 1$/m);
    assert.match(text, /^pipewatch_collector_requests_total\{route="\/v1\/events",status="400"\} 1$/m);
    assert.match(text, /^pipewatch_collector_publish_duration_seconds_count\{result="ok"\} 1$/m);
  });

  it('keeps each app on its own registry', async () => {
    const other = await startCollector();
    try {
      assert.equal((await harness.post('/v1/events', JSON.stringify(validRunEvent()))).status, 202);
      const text = await (await fetch(`${other.url}/metrics`)).text();
      assert.doesNotMatch(text, /pipewatch_collector_events_total\{outcome="accepted"\} [1-9]/);
    } finally {
      await other.close();
    }
  });
});
