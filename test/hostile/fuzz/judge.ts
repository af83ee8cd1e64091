import assert from 'node:assert/strict';
import { LogBatch, RunEvent } from '@pipewatch/shared';
import type { CaseSpec, FuzzLimits } from './case-specs.js';
import type { FuzzRequest, FuzzResponse, PublishedMessage } from './fuzz-target.js';
import { isWellFormedUtf8 } from './materialize.js';

/** Ids already published in this run, per topic kind: a repeat is a duplicate, not a new message. */
export interface PublishedIds {
  runs: Set<string>;
  logs: Set<string>;
}

type Json = Record<string, any>;

const MAX_LINE_CHARS = 65_536;
const MAX_BATCH_LINES = 10_000;

/**
 * The properties every answer must have, whatever was sent: no 5xx, a JSON body,
 * an error code and message on every refusal (and issue paths on validation
 * errors), nothing on the bus for a refused request, and for a partly valid body
 * exactly its new valid records on the bus. Returns the outcome label to count.
 */
export function judge(spec: CaseSpec, request: FuzzRequest, response: FuzzResponse, published: PublishedMessage[], limits: FuzzLimits, seen: PublishedIds): string {
  const context = (): string => `route ${spec.route}, status ${response.status}, body ${response.body.slice(0, 400)}`;
  assert.ok(response.status < 500, `a ${response.status} answer: ${context()}`);
  assert.match(response.contentType, /application\/json/, `not a JSON answer: ${context()}`);
  const body = JSON.parse(response.body) as Json;
  if (response.status >= 400) {
    assert.ok(typeof body.error?.code === 'string' && body.error.code.length > 0, `a refusal without error.code: ${context()}`);
    assert.ok(typeof body.error?.message === 'string' && body.error.message.length > 0, `a refusal without error.message: ${context()}`);
    assert.deepEqual(published, [], `a refused request published ${published.length} message(s): ${context()}`);
  }
  const outcome = `${response.status}:${response.status >= 400 ? body.error.code : (body.status ?? 'accepted')}`;

  const expectedFirst = gateExpectation(spec, request, limits);
  if (expectedFirst !== undefined) {
    assert.equal(outcome, expectedFirst, `expected ${expectedFirst}: ${context()}`);
    return outcome;
  }
  const text = stripBom(request.body.toString('utf8'));
  switch (spec.route) {
    case 'events':
    case 'logs':
      judgeRecords(spec, text, { valid: new Set(request.validTexts ?? []), prototypeKey: new Set(request.prototypeKeyTexts ?? []) }, body, response.status, published, limits, seen);
      break;
    case 'logs-text':
      judgeText(spec, text, body, response.status, published, seen);
      break;
    default:
      judgeWebhook(spec, request, body, response.status, published, seen);
  }
  return outcome;
}

const stripBom = (text: string): string => (text.startsWith('\uFEFF') ? text.slice(1) : text);

type Media = 'json' | 'ndjson' | 'text' | 'none' | 'refused';

function mediaOf(contentType: string | undefined): Media {
  if (contentType === undefined) return 'none';
  const essence = contentType.split(';')[0]!.trim().toLowerCase();
  if (essence === 'application/json') return 'json';
  if (essence === 'application/x-ndjson') return 'ndjson';
  if (essence === 'text/plain') return 'text';
  return 'refused';
}

/** What must happen before any route logic: authentication, media type, body size. */
function gateExpectation(spec: CaseSpec, request: FuzzRequest, limits: FuzzLimits): string | undefined {
  const bearerRoute = spec.route === 'events' || spec.route === 'logs' || spec.route === 'logs-text';
  if (bearerRoute || spec.route === 'jenkins') {
    const accepted = spec.credential === 'valid' || (spec.route === 'jenkins' && spec.credential === 'basic');
    if (!accepted) return spec.credential === 'missing' || spec.credential === 'basic' ? '401:missing_token' : '401:invalid_token';
  }
  if (spec.route === 'gitlab') {
    if (spec.credential === 'missing') return '401:missing_gitlab_token';
    if (spec.credential === 'wrong' || spec.credential === 'garbage') return '401:invalid_gitlab_token';
  }
  if (spec.route === 'github' && spec.signature === 'missing') return '401:missing_signature';
  const media = mediaOf(spec.contentType);
  if (media === 'refused' || (media === 'none' && request.body.length > 0)) return '415:unsupported_media_type';
  if (request.body.length > limits.maxBodyBytes) return '413:body_too_large';
  if (spec.route === 'github') {
    const signed = spec.signature === 'valid' && request.body.length > 0 && isWellFormedUtf8(request.body);
    if (!signed) return '401:invalid_signature';
    if (!spec.githubEvent) return '400:missing_event';
    if (spec.githubEvent === 'ping') return '200:pong';
  }
  if ((spec.route === 'events' || spec.route === 'logs') && media === 'text') return '415:unsupported_media_type';
  if (spec.route === 'logs-text' && media !== 'text') return undefined;
  if (spec.route !== 'events' && spec.route !== 'logs' && spec.route !== 'logs-text' && request.body.toString('utf8').trim() === '') return '400:empty_body';
  if ((spec.route === 'github' || spec.route === 'gitlab' || spec.route === 'jenkins') && media !== 'json') return '415:unsupported_media_type';
  return undefined;
}

interface LineVerdict {
  line: number;
  valid: boolean;
  invalidJson: boolean;
  eventId?: string;
  claimedLines: number;
}

function judgeRecords(spec: CaseSpec, text: string, known: { valid: Set<string>; prototypeKey: Set<string> }, body: Json, status: number, published: PublishedMessage[], limits: FuzzLimits, seen: PublishedIds): void {
  const schema = spec.route === 'events' ? RunEvent : LogBatch;
  const kind = spec.route === 'events' ? 'runs' : 'logs';
  const context = (): string => `route ${spec.route}, status ${status}, body ${JSON.stringify(body).slice(0, 400)}`;
  if (text.trim() === '') {
    assert.equal(`${status}:${body.error?.code}`, '400:empty_body', context());
    return;
  }
  const json = mediaOf(spec.contentType) === 'json';
  const pieces = json ? [text] : text.split('\n');
  const verdicts: LineVerdict[] = [];
  const prototypeLines = new Set<number>();
  pieces.forEach((piece, index) => {
    const line = piece.endsWith('\r') ? piece.slice(0, -1) : piece;
    if (!json && line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      verdicts.push({ line: index + 1, valid: false, invalidJson: true, claimedLines: 0 });
      return;
    }
    if (json && Array.isArray(value)) {
      verdicts.push({ line: 0, valid: false, invalidJson: false, claimedLines: -1 });
      return;
    }
    const parsed = schema.safeParse(value);
    const lines = value !== null && typeof value === 'object' && Array.isArray((value as { lines?: unknown }).lines) ? (value as { lines: unknown[] }).lines.length : 0;
    verdicts.push({ line: index + 1, valid: parsed.success, invalidJson: false, claimedLines: lines, ...(parsed.success ? { eventId: parsed.data.event_id } : {}) });
    // The generator and the schema must agree on what it built as well-formed.
    if (!parsed.success && known.valid.has(line)) assert.fail(`a record generated as valid was refused: ${line.slice(0, 300)}`);
    if (parsed.success && known.prototypeKey.has(line)) assert.fail(`a record with a prototype key was taken: ${line.slice(0, 300)}`);
    if (known.prototypeKey.has(line)) prototypeLines.add(index + 1);
  });
  if (verdicts.some((verdict) => verdict.claimedLines === -1)) {
    assert.equal(`${status}:${body.error?.code}`, '400:json_array', context());
    return;
  }
  const claimed = verdicts.reduce((sum, verdict) => sum + verdict.claimedLines, 0);
  if (kind === 'logs' && claimed > limits.maxLogLines) {
    assert.equal(`${status}:${body.error?.code}`, '413:too_many_lines', context());
    return;
  }
  const valid = verdicts.filter((verdict) => verdict.valid);
  const invalid = verdicts.filter((verdict) => !verdict.valid);
  const listed: Json[] = (status === 202 ? body.errors : body.error?.errors) ?? [];
  for (const error of listed) {
    if (!prototypeLines.has(error.line)) continue;
    const named = (error.issues as Json[]).some((issue) => /__proto__|constructor|prototype/.test(`${issue.path} ${issue.message}`));
    assert.ok(named, `the refusal of a prototype key does not name it: ${JSON.stringify(error).slice(0, 400)}`);
  }
  if (valid.length === 0) {
    assert.equal(status, 400, `nothing valid must be a 400: ${context()}`);
    const first = invalid[0]!;
    assert.equal(body.error.code, first.invalidJson ? 'invalid_json' : kind === 'runs' ? 'invalid_event' : 'invalid_batch', context());
    assertLineErrors(body.error.errors, invalid.length, context);
    return;
  }
  assert.equal(status, 202, `a body with ${valid.length} valid record(s) must be a 202: ${context()}`);
  assert.equal(body.accepted, valid.length, context());
  assert.equal(body.rejected, invalid.length, context());
  assertLineErrors(body.errors, invalid.length, context);
  const fresh = [...new Set(valid.map((verdict) => verdict.eventId!))].filter((id) => !seen[kind].has(id));
  assert.equal(body.duplicates, valid.length - fresh.length, `duplicates: ${context()}`);
  const topicIds = published.map((message) => eventIdOf(message.value, schema));
  assert.deepEqual([...topicIds].sort(), [...fresh].sort(), `exactly the new valid records on the bus: ${context()}`);
  for (const id of fresh) seen[kind].add(id);
}

function assertLineErrors(errors: unknown, count: number, context: () => string): void {
  assert.ok(Array.isArray(errors), `errors must be listed: ${context()}`);
  assert.equal(errors.length, Math.min(count, 100), `one error per refused line, at most 100: ${context()}`);
  for (const error of errors as Json[]) {
    assert.ok(Number.isInteger(error.line) && error.line > 0, context());
    assert.ok(Array.isArray(error.issues) && error.issues.length > 0, `a line error without issues: ${context()}`);
    for (const issue of error.issues as Json[]) {
      assert.ok(typeof issue.path === 'string' && issue.path.length > 0 && typeof issue.message === 'string' && issue.message.length > 0, `an issue without path or message: ${context()}`);
    }
  }
}

function eventIdOf(value: string, schema: typeof RunEvent | typeof LogBatch): string {
  const parsed = schema.safeParse(JSON.parse(value));
  assert.ok(parsed.success, `the bus got a message its schema refuses: ${value.slice(0, 300)}`);
  return parsed.data.event_id;
}

function judgeText(spec: CaseSpec, text: string, body: Json, status: number, published: PublishedMessage[], seen: PublishedIds): void {
  const context = (): string => `route logs-text, query ${spec.query}, status ${status}, body ${JSON.stringify(body).slice(0, 400)}`;
  if (status === 400 && body.error.code === 'invalid_query') {
    assert.notEqual(spec.queryIntent, 'valid', `a valid query was refused: ${context()}`);
    assert.ok(Array.isArray(body.error.issues) && body.error.issues.every((issue: Json) => typeof issue.path === 'string' && issue.path.length > 0), context());
    return;
  }
  assert.notEqual(spec.queryIntent, 'invalid', `an invalid query was taken: ${context()}`);
  const lines = text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  if (lines.at(-1) === '') lines.pop();
  if (lines.length === 0) {
    assert.equal(`${status}:${body.error?.code}`, '400:empty_body', context());
    return;
  }
  assert.equal(status, 202, context());
  const ids: string[] = body.event_ids ?? [body.event_id];
  assert.equal(ids.length, Math.ceil(lines.length / MAX_BATCH_LINES), context());
  const fresh = ids.filter((id) => !seen.logs.has(id));
  assert.equal(body.duplicates, ids.length - fresh.length, context());
  assert.deepEqual(published.map((message) => eventIdOf(message.value, LogBatch)).sort(), [...fresh].sort(), `the upload's batches on the bus: ${context()}`);
  if (fresh.length === ids.length) {
    const shipped = published.reduce((sum, message) => sum + (JSON.parse(message.value) as { lines: unknown[] }).lines.length, 0);
    assert.equal(shipped, lines.length, `every text line shipped once: ${context()}`);
  }
  const truncated = lines.filter((line) => line.length > MAX_LINE_CHARS).length;
  assert.equal(body.truncated_lines ?? 0, truncated, context());
  for (const id of fresh) seen.logs.add(id);
}

function judgeWebhook(spec: CaseSpec, request: FuzzRequest, body: Json, status: number, published: PublishedMessage[], seen: PublishedIds): void {
  const context = (): string => `route ${spec.route}, event ${spec.githubEvent}, status ${status}, body ${JSON.stringify(body).slice(0, 400)}`;
  const text = request.body.toString('utf8');
  let parsed = true;
  try {
    JSON.parse(text);
  } catch {
    parsed = false;
  }
  if (!parsed) {
    assert.equal(`${status}:${body.error?.code}`, '400:invalid_json', context());
    return;
  }
  if (status === 400) {
    assert.ok(['invalid_payload', 'unmappable_payload'].includes(body.error.code), context());
    assert.ok(Array.isArray(body.error.issues) && body.error.issues.length > 0, `a payload refusal without issues: ${context()}`);
    for (const issue of body.error.issues as Json[]) assert.ok(typeof issue.path === 'string' && issue.path.length > 0 && typeof issue.message === 'string', context());
  } else {
    assert.equal(status, 202, context());
    assert.ok(['accepted', 'ignored', 'duplicate_delivery'].includes(body.status), context());
  }
  const record = spec.records[0]!;
  const pristine = record.intent === 'valid' && spec.corruption === undefined;
  if (pristine) {
    // A real delivery (with hostile names or statuses) must never be refused, and a finished one must be taken.
    assert.equal(status, 202, `a well-formed delivery was refused: ${context()}`);
    if (spec.route === 'github' && !['workflow_job', 'workflow_run'].includes(spec.githubEvent ?? '')) {
      assert.deepEqual([body.status, body.reason], ['ignored', 'unsupported_event'], context());
    }
  }
  if (status === 202 && body.status === 'accepted' && body.duplicate === false) {
    assert.equal(published.length, 1, `one run event per accepted delivery: ${context()}`);
    assert.equal(eventIdOf(published[0]!.value, RunEvent), body.event_id, context());
    assert.ok(!seen.runs.has(body.event_id), `an event id published twice: ${context()}`);
    seen.runs.add(body.event_id);
  } else {
    assert.deepEqual(published, [], `nothing may be published for ${body.status ?? body.error?.code}: ${context()}`);
  }
}
