import assert from 'node:assert/strict';
import { collectRuns, type Collected } from './helpers/collect-messages.js';
import { startCollector, type Harness } from './helpers/collector-harness.js';
import { toNdjson, validRunEvent } from './helpers/run-event.js';

interface ErrorAnswer {
  error: {
    code: string;
    message: string;
    errors?: Array<{ line: number; code: string; event_id?: string; issues: Array<{ path: string; message: string }> }>;
  };
}

describe('POST /v1/events (refusing)', () => {
  let harness: Harness;
  let runs: Collected;

  beforeEach(async () => {
    harness = await startCollector({ maxBodyBytes: 2048 });
    runs = await collectRuns(harness.bus, harness.topics);
  });
  afterEach(async () => {
    await runs.close();
    await harness.close();
  });

  /** Publishes a marker through the app; once it is consumed, anything published before it (same key) was too. */
  async function publishedSoFar(): Promise<string[]> {
    const marker = validRunEvent();
    assert.equal((await harness.post('/v1/events', JSON.stringify(marker))).status, 202);
    await runs.waitForEvent(marker.event_id as string);
    return runs.eventIds().filter((id) => id !== marker.event_id);
  }

  it('answers 400 invalid_event naming every bad line when no NDJSON line is valid', async () => {
    const noPipeline = validRunEvent();
    delete noPipeline.pipeline;
    const body = toNdjson([noPipeline, validRunEvent({ source: 'teamcity' })]);
    const response = await harness.post('/v1/events', body, 'application/x-ndjson');
    assert.equal(response.status, 400);
    const answer = (await response.json()) as ErrorAnswer;
    assert.equal(answer.error.code, 'invalid_event');
    assert.match(answer.error.message, /line 1/);
    assert.deepEqual(
      answer.error.errors!.map((error) => [error.line, error.issues.map((issue) => issue.path)]),
      [
        [1, ['pipeline']],
        [2, ['source']],
      ],
    );
    assert.deepEqual(await publishedSoFar(), []);
  });

  it('answers 400 invalid_json with the line number and the parser message', async () => {
    const body = `\n${JSON.stringify(validRunEvent()).slice(0, 40)}\n`;
    const response = await harness.post('/v1/events', body, 'application/x-ndjson');
    assert.equal(response.status, 400);
    const answer = (await response.json()) as ErrorAnswer;
    assert.equal(answer.error.code, 'invalid_json');
    assert.match(answer.error.message, /line 2 is not valid JSON: .+/);
    assert.equal(answer.error.errors![0]!.line, 2);
  });

  it('answers 400 invalid_json at line 1 for a single JSON body that does not parse', async () => {
    const response = await harness.post('/v1/events', '{"schema": ');
    assert.equal(response.status, 400);
    const answer = (await response.json()) as ErrorAnswer;
    assert.equal(answer.error.code, 'invalid_json');
    assert.equal(answer.error.errors![0]!.line, 1);
  });

  it('answers 400 with the dotted issue path for a wrong type', async () => {
    const event = validRunEvent({ resources: { duration_s: 'fast' } });
    const response = await harness.post('/v1/events', JSON.stringify(event));
    assert.equal(response.status, 400);
    const answer = (await response.json()) as ErrorAnswer;
    assert.equal(answer.error.code, 'invalid_event');
    assert.match(answer.error.message, /resources\.duration_s/);
    const [only] = answer.error.errors!;
    assert.equal(answer.error.errors!.length, 1);
    assert.equal(only!.line, 1);
    assert.equal(only!.event_id, event.event_id);
    assert.deepEqual(only!.issues.map((issue) => issue.path), ['resources.duration_s']);
  });

  it('answers 400 for an unknown top-level key (strict schema)', async () => {
    const response = await harness.post('/v1/events', JSON.stringify(validRunEvent({ severity: 'high' })));
    assert.equal(response.status, 400);
    const answer = (await response.json()) as ErrorAnswer;
    assert.equal(answer.error.errors![0]!.issues[0]!.path, '(root)');
    assert.match(answer.error.errors![0]!.issues[0]!.message, /severity/);
  });

  it('refuses __proto__ and constructor keys without polluting Object.prototype', async () => {
    const plain = JSON.stringify(validRunEvent());
    const withProto = `${plain.slice(0, -1)},"__proto__":{"polluted":"yes"}}`;
    const withConstructor = `${plain.slice(0, -1)},"constructor":{"prototype":{"polluted":"yes"}}}`;
    const nested = plain.replace('"pipeline":{', '"pipeline":{"__proto__":{"polluted":"yes"},');
    const response = await harness.post('/v1/events', toNdjson([withProto, withConstructor, nested]), 'application/x-ndjson');
    assert.equal(response.status, 400);
    const answer = (await response.json()) as ErrorAnswer;
    assert.deepEqual(
      answer.error.errors!.map((error) => [error.line, error.issues[0]!.path, error.issues[0]!.message]),
      [
        [1, '(root)', 'Unrecognized key: "__proto__"'],
        [2, '(root)', 'Unrecognized key: "constructor"'],
        [3, 'pipeline', 'Unrecognized key: "__proto__"'],
      ],
    );
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    assert.deepEqual(await publishedSoFar(), []);
  });

  it('answers 400 telling the caller to use NDJSON when the JSON body is an array', async () => {
    const response = await harness.post('/v1/events', JSON.stringify([validRunEvent(), validRunEvent()]));
    assert.equal(response.status, 400);
    const answer = (await response.json()) as ErrorAnswer;
    assert.equal(answer.error.code, 'json_array');
    assert.match(answer.error.message, /application\/x-ndjson/);
    assert.deepEqual(await publishedSoFar(), []);
  });

  it('answers 400 empty_body for an empty body and for an NDJSON body of blank lines', async () => {
    for (const [body, type] of [
      ['', 'application/json'],
      ['\n  \n\n', 'application/x-ndjson'],
    ] as const) {
      const response = await harness.post('/v1/events', body, type);
      assert.equal(response.status, 400, `${type} ${JSON.stringify(body)}`);
      assert.equal(((await response.json()) as ErrorAnswer).error.code, 'empty_body');
    }
  });

  it('answers 413 body_too_large over the configured limit and publishes nothing', async () => {
    const lines = Array.from({ length: 20 }, () => validRunEvent());
    const body = toNdjson(lines);
    assert.ok(Buffer.byteLength(body) > 2048);
    const response = await harness.post('/v1/events', body, 'application/x-ndjson');
    assert.equal(response.status, 413);
    const answer = (await response.json()) as ErrorAnswer;
    assert.equal(answer.error.code, 'body_too_large');
    assert.match(answer.error.message, /limit 2048 bytes/);
    assert.deepEqual(await publishedSoFar(), []);
  });

  it('answers 415 to an unsupported Content-Type', async () => {
    const response = await harness.post('/v1/events', JSON.stringify(validRunEvent()), 'text/plain');
    assert.equal(response.status, 415);
    const answer = (await response.json()) as ErrorAnswer;
    assert.equal(answer.error.code, 'unsupported_media_type');
    assert.match(answer.error.message, /application\/x-ndjson/);
  });

  it('never answers an error with a stack trace', async () => {
    const response = await harness.post('/v1/events', '{', 'application/json');
    const text = await response.text();
    assert.equal(response.status, 400);
    assert.doesNotMatch(text, /\bat .+\.(ts|js):\d+/);
    assert.doesNotMatch(text, /"stack"/);
  });
});
