import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { LogBatch } from '@pipewatch/shared';
import { collectLogs, type Collected } from './helpers/collect-messages.js';
import { startCollector, type Harness } from './helpers/collector-harness.js';
import { toNdjson } from './helpers/run-event.js';

const PIPELINE = 'github:octo/app:.github/workflows/ci.yml:build';

function logBatch(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schema: 'pipewatch.log/v1',
    event_id: `log-${randomUUID()}`,
    source: 'agent',
    pipeline: { id: PIPELINE },
    run: { id: 'run-1' },
    step: 'Run npm test',
    lines: [
      { text: '> npm test', ts: '2025-03-01T12:00:00Z', stream: 'stdout' },
      { text: 'ok 1 - boots', stream: 'stdout' },
    ],
    ...overrides,
  };
}

interface LogsAnswer {
  accepted: number;
  rejected: number;
  duplicates: number;
  lines: number;
  redactions: number;
  redactions_by_kind: Record<string, number>;
  event_id?: string;
  truncated_lines?: number;
  errors: Array<{ line: number; code: string; event_id?: string; issues: Array<{ path: string }> }>;
}

interface ErrorAnswer {
  error: { code: string; message: string; issues?: Array<{ path: string }> };
}

describe('POST /v1/logs', () => {
  let harness: Harness;
  let logs: Collected;

  beforeEach(async () => {
    harness = await startCollector({ maxLogLines: 50 });
    logs = await collectLogs(harness.bus, harness.topics);
  });
  afterEach(async () => {
    await logs.close();
    await harness.close();
  });

  const text = (body: string, query: string): Promise<Response> => harness.post(`/v1/logs?${query}`, body, 'text/plain; charset=utf-8');

  /** Waits for a marker batch on PIPELINE's partition, then returns the event ids consumed before it. */
  async function settledLogIds(): Promise<string[]> {
    const marker = logBatch();
    assert.equal((await harness.post('/v1/logs', JSON.stringify(marker))).status, 202);
    await logs.waitForEvent(marker.event_id as string);
    return logs.eventIds().filter((id) => id !== marker.event_id);
  }

  it('publishes one JSON batch to the logs topic, keyed by pipeline id, unchanged when it holds no secret', async () => {
    const batch = logBatch();
    const response = await harness.post('/v1/logs', JSON.stringify(batch));
    assert.equal(response.status, 202);
    assert.deepEqual(await response.json(), { accepted: 1, rejected: 0, duplicates: 0, lines: 2, redactions: 0, redactions_by_kind: {}, errors: [] });
    const message = await logs.waitForEvent(batch.event_id as string);
    assert.equal(message.key, PIPELINE);
    assert.deepEqual(JSON.parse(message.value), batch);
  });

  it('accepts the valid batches of an NDJSON body and reports the bad line with its issue path', async () => {
    const good = logBatch();
    const bad = logBatch({ lines: [] });
    const response = await harness.post('/v1/logs', toNdjson([good, bad]), 'application/x-ndjson');
    assert.equal(response.status, 202);
    const answer = (await response.json()) as LogsAnswer;
    assert.equal(answer.accepted, 1);
    assert.equal(answer.rejected, 1);
    assert.deepEqual(answer.errors.map((error) => [error.line, error.code, error.event_id, error.issues[0]!.path]), [[2, 'invalid_batch', bad.event_id, 'lines']]);
    await logs.waitForEvent(good.event_id as string);
  });

  it('answers 400 invalid_batch when no batch is valid, and json_array to a JSON array', async () => {
    const response = await harness.post('/v1/logs', JSON.stringify(logBatch({ schema: 'pipewatch.run/v1' })));
    assert.equal(response.status, 400);
    const answer = (await response.json()) as ErrorAnswer;
    assert.equal(answer.error.code, 'invalid_batch');
    assert.match(answer.error.message, /pipewatch\.log\/v1 batch: schema/);
    assert.equal(((await (await harness.post('/v1/logs', JSON.stringify([logBatch()]))).json()) as ErrorAnswer).error.code, 'json_array');
  });

  it('turns a text/plain body into one batch, one line per text line (CRLF too), with a deterministic event id', async () => {
    const query = `pipeline=${encodeURIComponent(PIPELINE)}&run=run-7&step=${encodeURIComponent('Run make')}`;
    const response = await text('make all\r\ncc -o app main.c\r\n\r\nBUILD OK\r\n', query);
    assert.equal(response.status, 202);
    const answer = (await response.json()) as LogsAnswer;
    assert.equal(answer.lines, 4);
    assert.match(answer.event_id!, /^log-[0-9a-f]{40}$/);
    const batch = LogBatch.parse(JSON.parse((await logs.waitForEvent(answer.event_id!)).value));
    assert.deepEqual(batch, {
      schema: 'pipewatch.log/v1',
      event_id: answer.event_id,
      source: 'generic',
      pipeline: { id: PIPELINE },
      run: { id: 'run-7' },
      step: 'Run make',
      lines: [{ text: 'make all' }, { text: 'cc -o app main.c' }, { text: '' }, { text: 'BUILD OK' }],
    });

    const again = (await (await text('make all\r\ncc -o app main.c\r\n\r\nBUILD OK\r\n', query)).json()) as LogsAnswer;
    assert.equal(again.event_id, answer.event_id);
    assert.equal(again.duplicates, 1);
    assert.deepEqual(await settledLogIds(), [answer.event_id]);
  });

  it('derives the id from ?batch= when given: same batch id is one event, another batch id is another', async () => {
    const base = `pipeline=${encodeURIComponent(PIPELINE)}&run=run-8&source=agent`;
    const first = (await (await text('line one\n', `${base}&batch=1`)).json()) as LogsAnswer;
    const retried = (await (await text('line one, resent\n', `${base}&batch=1`)).json()) as LogsAnswer;
    const second = (await (await text('line one\n', `${base}&batch=2`)).json()) as LogsAnswer;
    assert.equal(retried.event_id, first.event_id);
    assert.equal(retried.duplicates, 1);
    assert.notEqual(second.event_id, first.event_id);
    assert.deepEqual(await settledLogIds(), [first.event_id, second.event_id]);
    assert.equal((JSON.parse(logs.messages[0]!.value) as LogBatch).source, 'agent');
  });

  it('answers 400 invalid_query naming the missing parameter of a text/plain upload', async () => {
    const response = await text('hello\n', `pipeline=${encodeURIComponent(PIPELINE)}`);
    assert.equal(response.status, 400);
    const answer = (await response.json()) as ErrorAnswer;
    assert.equal(answer.error.code, 'invalid_query');
    assert.deepEqual(answer.error.issues!.map((issue) => issue.path), ['run']);
    assert.equal((await text('hello\n', `pipeline=p&run=r&source=travis`)).status, 400);
  });

  it('answers 413 too_many_lines over PIPEWATCH_MAX_LOG_LINES, in text and in NDJSON, and publishes nothing', async () => {
    const tooLong = Array.from({ length: 51 }, (_, i) => `line ${i}`).join('\n');
    const response = await text(tooLong, `pipeline=${encodeURIComponent(PIPELINE)}&run=r`);
    assert.equal(response.status, 413);
    const answer = (await response.json()) as ErrorAnswer & { error: { lines: number; limit: number } };
    assert.equal(answer.error.code, 'too_many_lines');
    assert.equal(answer.error.lines, 51);
    assert.equal(answer.error.limit, 50);
    assert.match(answer.error.message, /split it/);

    const lines = Array.from({ length: 26 }, (_, i) => ({ text: `l${i}` }));
    const ndjson = await harness.post('/v1/logs', toNdjson([logBatch({ lines }), logBatch({ lines })]), 'application/x-ndjson');
    assert.equal(ndjson.status, 413);
    assert.deepEqual(await settledLogIds(), []);
  });

  it('answers 413 body_too_large over the body limit, and 400 empty_body to an empty upload', async () => {
    const small = await startCollector({ maxBodyBytes: 1024 });
    try {
      const response = await small.post(`/v1/logs?pipeline=p&run=r`, 'x'.repeat(2048), 'text/plain');
      assert.equal(response.status, 413);
      assert.equal(((await response.json()) as ErrorAnswer).error.code, 'body_too_large');
    } finally {
      await small.close();
    }
    assert.equal(((await (await text('', 'pipeline=p&run=r')).json()) as ErrorAnswer).error.code, 'empty_body');
  });

  it('cuts a text line over 64 KiB to the schema limit and says so', async () => {
    const response = await text(`short\n${'a'.repeat(70_000)}\n`, `pipeline=${encodeURIComponent(PIPELINE)}&run=r`);
    assert.equal(response.status, 202);
    const answer = (await response.json()) as LogsAnswer;
    assert.equal(answer.truncated_lines, 1);
    const batch = LogBatch.parse(JSON.parse((await logs.waitForEvent(answer.event_id!)).value));
    assert.equal(batch.lines[1]!.text.length, 65_536);
  });

  it('refuses text/plain on /v1/events with 415', async () => {
    assert.equal((await harness.post('/v1/events', 'hello', 'text/plain')).status, 415);
  });

  it('counts published batches and lines in the metrics', async () => {
    assert.equal((await harness.post('/v1/logs', JSON.stringify(logBatch()))).status, 202);
    const metrics = await (await fetch(`${harness.url}/metrics`)).text();
    assert.match(metrics, /^pipewatch_collector_log_batches_total\{outcome="accepted"\} 1$/m);
    assert.match(metrics, /^pipewatch_collector_log_lines_total 2$/m);
  });
});

describe('POST /v1/logs text uploads longer than one batch', () => {
  it('splits them into schema-sized batches after redacting the whole upload (a key across the cut is masked)', async () => {
    const harness = await startCollector({ maxLogLines: 25_000, maxBodyBytes: 4 * 1024 * 1024 });
    const logs = await collectLogs(harness.bus, harness.topics);
    try {
      const lines = Array.from({ length: 12_000 }, (_, i) => `line ${i}`);
      const keyBody = 'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun';
      lines.splice(9_999, 3, '-----BEGIN RSA PRIVATE KEY-----', keyBody, '-----END RSA PRIVATE KEY-----');
      const response = await harness.post(`/v1/logs?pipeline=${encodeURIComponent(PIPELINE)}&run=long`, lines.join('\n'), 'text/plain');
      assert.equal(response.status, 202);
      const answer = (await response.json()) as LogsAnswer & { event_ids: string[] };
      assert.equal(answer.accepted, 2);
      assert.equal(answer.lines, 12_000);
      assert.equal(answer.redactions, 1);
      assert.equal(answer.event_ids.length, 2);
      const batches = [];
      for (const id of answer.event_ids) batches.push(LogBatch.parse(JSON.parse((await logs.waitForEvent(id)).value)));
      assert.deepEqual(batches.map((batch) => batch.lines.length), [10_000, 2_000]);
      assert.equal(batches[1]!.lines[0]!.text, '[REDACTED]', 'the key line after the cut');
      assert.ok(!logs.messages.some((message) => message.value.includes(keyBody)));
      assert.equal(batches[1]!.lines.at(-1)!.text, 'line 11999');
    } finally {
      await logs.close();
      await harness.close();
    }
  });
});

describe('POST /v1/logs with ingest tokens', () => {
  it('needs the bearer token like /v1/events', async () => {
    const harness = await startCollector({ tokens: ['logs-token-123456'] });
    try {
      assert.equal((await harness.post('/v1/logs?pipeline=p&run=r', 'x', 'text/plain')).status, 401);
      assert.equal((await harness.post('/v1/logs?pipeline=p&run=r', 'x', 'text/plain', { authorization: 'Bearer logs-token-123456' })).status, 202);
    } finally {
      await harness.close();
    }
  });
});
