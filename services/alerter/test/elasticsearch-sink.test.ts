import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Finding, PermanentError, RetryableError, isRetryable, type RetryPolicy } from '@pipewatch/shared';
import { elasticsearchUrl } from '../../../test/helpers/servers.js';
import { createElasticsearchSink, type ElasticsearchSink, type ElasticsearchSinkOptions } from '../src/sinks/elasticsearch-sink.js';
import { ECS_SEVERITY, findingToDocument, indexNameFor } from '../src/sinks/elasticsearch/finding-to-document.js';
import { templateForPrefix } from '../src/sinks/elasticsearch/index-template.js';
import { makeFinding } from './helpers/make-finding.js';
import { recordingLogger } from './helpers/recording-logger.js';

const template = JSON.parse(
  readFileSync(new URL('../../../infra/elasticsearch/findings-index-template.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;
const retry: RetryPolicy = { retries: 4, minDelayMs: 20, maxDelayMs: 100 };
const threat = { framework: 'OSC&R' as const, technique: { id: 'T0159', name: 'Malicious artifact execution' }, mitigations: ['M0101'] };

describe('finding to Elasticsearch document', () => {
  const finding = makeFinding({
    detected_at: '2025-03-01T12:00:00.000Z',
    severity: 'critical',
    score: 0.875,
    pipeline: { id: 'github:octo/app:ci.yml:build', name: 'ci', repository: 'octo/app', job: 'build' },
    run: { id: 'run-7', url: 'https://ci.example/run/7', trigger: 'push', branch: 'main', actor: 'mallory', commit: 'abc123', number: 7 },
    threat,
    subject: 'evil.example.com',
  });

  it('maps the finding onto ECS fields and keeps its own under pipewatch.*', () => {
    const doc = findingToDocument(finding) as Record<string, any>;
    assert.equal(doc['@timestamp'], finding.detected_at);
    assert.equal(doc.message, finding.summary);
    assert.equal(doc.event.kind, 'alert');
    assert.equal(doc.event.id, finding.finding_id);
    assert.equal(doc.event.severity, 99);
    assert.equal(doc.event.risk_score, 87.5);
    assert.equal(doc.event.reference, 'https://ci.example/run/7');
    assert.deepEqual(doc.rule, { ...finding.rule, ruleset: 'pipewatch' });
    assert.deepEqual(doc.threat, { framework: 'OSC&R', technique: threat.technique });
    assert.equal(doc.pipewatch.severity, 'critical');
    assert.equal(doc.pipewatch.score, 0.875);
    assert.deepEqual(doc.pipewatch.pipeline, finding.pipeline);
    assert.deepEqual(doc.pipewatch.run, { id: 'run-7', url: 'https://ci.example/run/7', trigger: 'push', branch: 'main', actor: 'mallory', commit: 'abc123' });
    assert.equal(doc.pipewatch.subject, 'evil.example.com');
    assert.equal(doc.pipewatch.suppressed, false);
    assert.deepEqual(doc.pipewatch.event_ids, finding.event_ids);
    assert.deepEqual(doc.pipewatch.mitigations, ['M0101']);
    assert.deepEqual(doc.pipewatch.evidence, finding.evidence);
    assert.equal(doc.labels, undefined);
  });

  it('stores the whole finding, so it reads back exactly and still passes the schema', () => {
    const doc = findingToDocument(finding) as { pipewatch: { finding: unknown } };
    const roundTripped = JSON.parse(JSON.stringify(doc.pipewatch.finding)) as unknown;
    assert.deepEqual(roundTripped, finding);
    assert.equal(Finding.safeParse(roundTripped).success, true);
  });

  it('uses the ECS severity numbers and leaves out what the finding does not have', () => {
    assert.deepEqual(ECS_SEVERITY, { low: 21, medium: 47, high: 73, critical: 99 });
    const bare = findingToDocument(makeFinding({ severity: 'low' })) as Record<string, any>;
    assert.equal(bare.event.severity, 21);
    assert.equal(bare.threat, undefined);
    assert.equal('reference' in bare.event, false);
    assert.equal('mitigations' in bare.pipewatch, false);
    assert.equal('subject' in bare.pipewatch, false);
    assert.deepEqual(bare.pipewatch.run, { id: 'run-1042' });
  });

  it('is deterministic and stamps the configured labels', () => {
    assert.deepEqual(findingToDocument(finding), findingToDocument(finding));
    const doc = findingToDocument(finding, { labels: { env: 'prod' } }) as Record<string, any>;
    assert.deepEqual(doc.labels, { env: 'prod' });
  });

  it('names the index by the UTC month of detected_at', () => {
    assert.equal(indexNameFor('pipewatch-findings', '2025-03-01T12:00:00Z'), 'pipewatch-findings-2025.03');
    // 23:30 at UTC-2 on 31 January is already February in UTC.
    assert.equal(indexNameFor('pipewatch-findings', '2026-01-31T23:30:00-02:00'), 'pipewatch-findings-2026.02');
    assert.equal(indexNameFor('p', '2025-12-31T23:59:59.999999+00:00'), 'p-2025.12');
    assert.throws(() => indexNameFor('p', 'yesterday'), RangeError);
  });

  it('retargets the shipped template at another prefix and refuses prefixes ES would not accept', () => {
    const { name, version, body } = templateForPrefix(template, 'pwtest-abc-findings');
    assert.equal(name, 'pwtest-abc-findings');
    assert.equal(version, template.version);
    assert.deepEqual(body.index_patterns, ['pwtest-abc-findings-*']);
    assert.deepEqual((body.template as Record<string, unknown>).aliases, { 'pwtest-abc-findings': {} });
    assert.deepEqual((body.template as Record<string, unknown>).mappings, (template.template as Record<string, unknown>).mappings);
    // The shipped file itself is already aimed at the default prefix.
    assert.deepEqual(templateForPrefix(template, 'pipewatch-findings').body, template);
    for (const bad of ['Upper', '-dash', 'a*b', 'has space', '']) {
      assert.throws(() => templateForPrefix(template, bad), PermanentError, bad);
    }
  });
});

/** A plain HTTP call to Elasticsearch: the tests look at the cluster without the client the sink uses. */
async function es<T = Record<string, any>>(url: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as T };
}

interface BulkRejectingProxy {
  url: string;
  /** The body of every `_bulk` request that reached the proxy, in order. */
  bulkBodies: string[];
  close(): Promise<void>;
}

const HOP_HEADERS = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'accept-encoding', 'keep-alive']);

function forwardHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).flatMap(([key, value]) => (HOP_HEADERS.has(key) || value === undefined ? [] : [[key, Array.isArray(value) ? value.join(', ') : value]])),
  );
}

/**
 * A reverse proxy in front of the real Elasticsearch. On the first `_bulk` that
 * carries `rejectId`, it takes that item out of the request (so it truly is not
 * written) and puts a 429 for it into ES's real response, at the item's position:
 * what ES answers when its write queue is full. Everything else passes untouched.
 */
async function startBulkRejectingProxy(upstream: string, rejectId: string): Promise<BulkRejectingProxy> {
  const bulkBodies: string[] = [];
  let rejected = false;

  async function forward(method: string, path: string, headers: IncomingHttpHeaders, body: string) {
    const response = await fetch(`${upstream}${path}`, {
      method,
      headers: forwardHeaders(headers),
      ...(body.length > 0 && method !== 'GET' && method !== 'HEAD' ? { body } : {}),
    });
    const responseHeaders: Record<string, string> = {};
    response.headers.forEach((value, key) => {
      if (!HOP_HEADERS.has(key) && key !== 'content-encoding') responseHeaders[key] = value;
    });
    return { status: response.status, headers: responseHeaders, body: await response.text() };
  }

  async function handle(method: string, path: string, headers: IncomingHttpHeaders, body: string) {
    if (!path.startsWith('/_bulk')) return forward(method, path, headers, body);
    bulkBodies.push(body);
    const lines = body.split('\n').filter((line) => line.length > 0);
    const position = lines.findIndex((line, index) => index % 2 === 0 && (JSON.parse(line) as { create?: { _id?: string } }).create?._id === rejectId);
    if (rejected || position < 0) return forward(method, path, headers, body);
    rejected = true;
    const action = JSON.parse(lines[position]!) as { create: { _index: string; _id: string } };
    const kept = [...lines.slice(0, position), ...lines.slice(position + 2)];
    const answer = await forward(method, path, headers, kept.length > 0 ? `${kept.join('\n')}\n` : '');
    const parsed = JSON.parse(answer.body) as { errors: boolean; items: unknown[] };
    parsed.items.splice(position / 2, 0, {
      create: {
        _index: action.create._index,
        _id: action.create._id,
        status: 429,
        error: { type: 'es_rejected_execution_exception', reason: 'rejected execution of coordinating operation [test proxy]' },
      },
    });
    parsed.errors = true;
    return { ...answer, body: JSON.stringify(parsed) };
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      handle(req.method ?? 'GET', req.url ?? '/', req.headers, Buffer.concat(chunks).toString('utf8')).then(
        (answer) => res.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) }).end(answer.body),
        (error: unknown) => res.writeHead(502, { 'content-type': 'text/plain' }).end(String(error)),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bulkBodies,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('Elasticsearch sink @integration', function () {
  this.timeout(180_000);
  let url: string;
  let prefix: string;
  const sinks: ElasticsearchSink[] = [];
  const cleanups: (() => Promise<void>)[] = [];

  before(async () => {
    url = await elasticsearchUrl();
  });

  beforeEach(() => {
    prefix = `pwtest-${randomUUID().slice(0, 8)}-findings`;
  });

  afterEach(async () => {
    await Promise.all(sinks.splice(0).map((sink) => sink.close()));
    await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
    await es(url, 'DELETE', `/${prefix}-*?ignore_unavailable=true&allow_no_indices=true`);
    await es(url, 'DELETE', `/_index_template/${prefix}`);
  });

  function sink(overrides: Partial<ElasticsearchSinkOptions> = {}): ElasticsearchSink {
    const created = createElasticsearchSink({ url, logger: recordingLogger(), template, retry, indexPrefix: prefix, refresh: 'wait_for', ...overrides });
    sinks.push(created);
    return created;
  }

  async function search(query: unknown): Promise<{ total: number; ids: string[] }> {
    const { body } = await es(url, 'POST', `/${prefix}/_search`, { query, size: 100, track_total_hits: true });
    return { total: body.hits.total.value as number, ids: (body.hits.hits as { _id: string }[]).map((hit) => hit._id).sort() };
  }

  it('installs the index template, so a monthly index gets the mapping and the alias', async () => {
    const finding = makeFinding({ detected_at: '2026-01-31T23:30:00-02:00' });
    await sink().write([finding]);

    const index = `${prefix}-2026.02`;
    const { status, body } = await es(url, 'GET', `/${index}/_mapping`);
    assert.equal(status, 200);
    const properties = body[index].mappings.properties;
    assert.equal(body[index].mappings.dynamic, 'false');
    assert.equal(properties['@timestamp'].type, 'date');
    assert.equal(properties.rule.properties.id.type, 'keyword');
    assert.equal(properties.event.properties.severity.type, 'long');
    assert.equal(properties.pipewatch.properties.score.type, 'float');
    assert.equal(properties.pipewatch.properties.evidence.type, 'flattened');
    assert.equal(properties.pipewatch.properties.finding.enabled, false);

    const aliases = await es(url, 'GET', `/_alias/${prefix}`);
    assert.deepEqual(Object.keys(aliases.body), [index]);
    const settings = await es(url, 'GET', `/${index}/_settings`);
    assert.equal(settings.body[index].settings.index.number_of_shards, '1');
    assert.equal(settings.body[index].settings.index.number_of_replicas, '0');

    // The stored finding reads back exactly.
    const stored = await es(url, 'GET', `/${index}/_doc/${encodeURIComponent(finding.finding_id)}`);
    assert.deepEqual(stored.body._source.pipewatch.finding, finding);
  });

  it('makes findings searchable by their ECS fields', async () => {
    const malicious = makeFinding({
      detected_at: '2025-03-10T08:00:00Z',
      rule: { id: 'integrity.artifact.unsigned_exec', name: 'Unsigned artifact executed', category: 'integrity' },
      severity: 'critical',
      threat,
    });
    const slow = makeFinding({ detected_at: '2025-03-02T08:00:00Z' });
    const older = makeFinding({ detected_at: '2025-02-20T08:00:00Z', severity: 'medium' });
    await sink().write([malicious, slow, older]);

    assert.deepEqual((await search({ term: { 'rule.id': 'resource.duration.high' } })).ids, [slow.finding_id, older.finding_id].sort());
    assert.equal((await search({ term: { 'event.kind': 'alert' } })).total, 3);
    assert.deepEqual((await search({ bool: { filter: [{ term: { 'threat.technique.id': 'T0159' } }] } })).ids, [malicious.finding_id]);
    const march = await search({ range: { '@timestamp': { gte: '2025-03-01T00:00:00Z', lt: '2025-04-01T00:00:00Z' } } });
    assert.deepEqual(march.ids, [malicious.finding_id, slow.finding_id].sort());
    assert.deepEqual((await search({ range: { 'event.severity': { gte: 73 } } })).ids, [malicious.finding_id, slow.finding_id].sort());
    assert.deepEqual((await search({ match: { message: 'usual' } })).total, 3);
  });

  it('keeps a finding written twice as one document, also across a restart', async () => {
    const finding = makeFinding();
    const first = sink();
    await first.write([finding]);
    await first.write([finding, finding]);
    await first.close();
    const restarted = sink();
    await restarted.write([finding]);

    const { total, ids } = await search({ match_all: {} });
    assert.equal(total, 1);
    assert.deepEqual(ids, [finding.finding_id]);
    assert.deepEqual(first.stats(), { written: 1, duplicates: 1, retriedItems: 0, rejected: 0 });
    assert.deepEqual(restarted.stats(), { written: 0, duplicates: 1, retriedItems: 0, rejected: 0 });
  });

  it('retries only the bulk item Elasticsearch refused with 429, and indexes every finding once', async () => {
    const findings = [makeFinding(), makeFinding(), makeFinding()];
    const refusedId = findings[1]!.finding_id;
    const proxy = await startBulkRejectingProxy(url, refusedId);
    cleanups.push(() => proxy.close());
    const logger = recordingLogger();
    const viaProxy = sink({ url: proxy.url, logger });

    await viaProxy.write(findings);

    assert.equal(proxy.bulkBodies.length, 2);
    const firstActions = proxy.bulkBodies[0]!.trim().split('\n').filter((_, index) => index % 2 === 0);
    assert.equal(firstActions.length, 3);
    const retried = proxy.bulkBodies[1]!.trim().split('\n');
    assert.equal(retried.length, 2, 'one action line and one document');
    assert.equal((JSON.parse(retried[0]!) as { create: { _id: string } }).create._id, refusedId);
    assert.equal((JSON.parse(retried[1]!) as { event: { id: string } }).event.id, refusedId);

    const { total, ids } = await search({ match_all: {} });
    assert.equal(total, 3);
    assert.deepEqual(ids, findings.map((finding) => finding.finding_id).sort());
    assert.deepEqual(viaProxy.stats(), { written: 3, duplicates: 0, retriedItems: 1, rejected: 0 });
    assert.ok(logger.entries.some((entry) => entry.level === 'warn' && /es_rejected_execution_exception/.test(String(entry.fields.error))));
  });

  it('fails with a PermanentError naming the finding Elasticsearch rejects, and still indexes the rest', async () => {
    let evidence: Record<string, unknown> = { observed: 1 };
    // The flattened evidence field refuses objects nested deeper than 20 levels.
    for (let depth = 0; depth < 25; depth++) evidence = { nested: evidence };
    const bad = makeFinding({ evidence });
    const good = makeFinding();

    const target = sink();
    const error = await target.write([good, bad]).then(
      () => assert.fail('the write should have failed'),
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof PermanentError);
    assert.equal(isRetryable(error), false);
    assert.equal(error.code, 'elasticsearch_rejected');
    assert.match(error.message, new RegExp(bad.finding_id));
    assert.match(error.message, /maximum depth limit/);
    assert.doesNotMatch(error.message, new RegExp(good.finding_id));

    const { ids } = await search({ match_all: {} });
    assert.deepEqual(ids, [good.finding_id]);
    assert.deepEqual(target.stats(), { written: 1, duplicates: 0, retriedItems: 0, rejected: 1 });
  });

  it('fails with a RetryableError when Elasticsearch cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const unreachable = sink({ url: `http://127.0.0.1:${port}`, retry: { retries: 1, minDelayMs: 10, maxDelayMs: 20 } });
    await assert.rejects(unreachable.write([makeFinding()]), (error: unknown) => {
      assert.ok(error instanceof RetryableError);
      assert.equal(error.code, 'elasticsearch_template_missing');
      assert.match(error.message, /unreachable/);
      return true;
    });
    await assert.rejects(unreachable.ensureTemplate(), (error: unknown) => error instanceof RetryableError && error.code === 'elasticsearch_unreachable');
    const skipTemplate = sink({ url: `http://127.0.0.1:${port}`, retry: { retries: 0, minDelayMs: 10, maxDelayMs: 20 }, installTemplate: false });
    await assert.rejects(skipTemplate.write([makeFinding()]), (error: unknown) => error instanceof RetryableError && error.code === 'elasticsearch_unreachable');
  });

  it('stops retrying on close(), leaving the finding to a redelivery', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const patient = sink({ url: `http://127.0.0.1:${port}`, installTemplate: false, retry: { retries: 50, minDelayMs: 200, maxDelayMs: 1_000 } });
    const started = Date.now();
    const writing = patient.write([makeFinding()]);
    setTimeout(() => void patient.close(), 100);
    await assert.rejects(writing, (error: unknown) => error instanceof RetryableError && error.code === 'sink_closed');
    assert.ok(Date.now() - started < 2_000, 'close() cut the retry budget short');
    await assert.rejects(patient.write([makeFinding()]), (error: unknown) => error instanceof RetryableError && error.code === 'sink_closed');
  });

  it('leaves a newer installed template alone and replaces an older one', async () => {
    const ours = template.version as number;
    const newer = { ...templateForPrefix(template, prefix).body, version: ours + 1, _meta: { note: 'hand-tuned' } };
    assert.equal((await es(url, 'PUT', `/_index_template/${prefix}`, newer)).status, 200);
    await sink().ensureTemplate();
    let installed = await es(url, 'GET', `/_index_template/${prefix}`);
    assert.equal(installed.body.index_templates[0].index_template.version, ours + 1);

    assert.equal((await es(url, 'PUT', `/_index_template/${prefix}`, { ...newer, version: ours - 1 })).status, 200);
    await sink().ensureTemplate();
    installed = await es(url, 'GET', `/_index_template/${prefix}`);
    assert.equal(installed.body.index_templates[0].index_template.version, ours);
    assert.equal(installed.body.index_templates[0].index_template._meta.managed_by, 'pipewatch');
  });
});
