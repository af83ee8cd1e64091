import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { createKafkaBus, type KafkaBus } from '@pipewatch/shared';
import { elasticsearchUrl, kafkaBrokers } from '../../../test/helpers/servers.js';
import {
  createBusDeadLetterStore,
  createElasticsearchNotificationLedger,
  createElasticsearchSink,
  createElasticsearchSuppressionStore,
  createEsRest,
  newDeadLetterId,
  type EsRest,
} from '../src/index.js';
import { recordingLogger } from './helpers/recording-logger.js';
import { runFindings } from './helpers/run-findings.js';

const template = JSON.parse(readFileSync(new URL('../../../infra/elasticsearch/findings-index-template.json', import.meta.url), 'utf8')) as Record<string, unknown>;

describe('notification state on real servers @integration', function () {
  this.timeout(120_000);

  describe('Elasticsearch', () => {
    let es: EsRest;
    let url: string;
    const id = randomUUID().slice(0, 8);
    before(async () => {
      url = await elasticsearchUrl();
      es = createEsRest({ url });
    });
    const refresh = (index: string) => es.call('POST', `${index}/_refresh`);

    it('ledger: create-once claims, lease takeover by exactly one alerter, settlement', async () => {
      const index = `pwtest-${id}-notifications`;
      const a = createElasticsearchNotificationLedger({ es, index, leaseMs: 800, owner: 'alerter-a' });
      const b = createElasticsearchNotificationLedger({ es, index, leaseMs: 800, owner: 'alerter-b' });
      const c = createElasticsearchNotificationLedger({ es, index, leaseMs: 800, owner: 'alerter-c' });
      const findings = runFindings(`r-${id}`);
      const entries = findings.map((finding) => ({ destination: 'slack', finding }));
      assert.equal((await a.claim(entries, 'pending')).length, 3);
      assert.deepEqual(await b.claim(entries, 'pending'), [], 'a second alerter cannot claim them again (409)');
      await refresh(index);
      assert.deepEqual(await b.takeOver(), [], 'a live lease is not taken over');

      // While alerter-a is alive it renews its leases, and nobody takes them over.
      await sleep(500);
      await a.renew();
      await sleep(500);
      await refresh(index);
      assert.deepEqual(await b.takeOver(), [], 'a renewed lease is not taken over');

      await sleep(900); // alerter-a "crashed": it stopped renewing and its leases run out
      await refresh(index);
      const [taken, alsoTaken] = await Promise.all([b.takeOver(), c.takeOver()]);
      assert.equal(taken.length + alsoTaken.length, 3, 'every abandoned claim is taken over once, by one alerter');
      assert.deepEqual([...taken, ...alsoTaken].map((entry) => entry.finding.finding_id).sort(), findings.map((f) => f.finding_id).sort());

      await b.settle(entries.map(({ destination, finding }) => ({ destination, finding_id: finding.finding_id })), 'sent');
      await refresh(index);
      const doc = await es.call('GET', `${index}/_doc/${encodeURIComponent(`slack:${findings[0]!.finding_id}`)}`);
      const source = doc.body._source as Record<string, unknown>;
      assert.equal(source.state, 'sent');
      assert.equal(source.finding, null, 'settled documents drop the finding');
      await sleep(900);
      await refresh(index);
      assert.deepEqual(await c.takeOver(), [], 'settled claims are never taken over');
    });

    it('suppression store: add, list, remove in the shared index', async () => {
      const store = createElasticsearchSuppressionStore({ es, index: `pwtest-${id}-suppressions` });
      assert.deepEqual(await store.list(), []);
      const added = await store.add({ pipeline: 'github:octo/*', rule: 'access.egress.*', subject: '*', until: '2099-01-01T00:00:00.000Z', reason: 'r', author: 'alice' });
      assert.deepEqual(await store.list(), [added]);
      assert.equal(await store.remove(added.id), true);
      assert.equal(await store.remove(added.id), false);
      assert.deepEqual(await store.list(), []);
    });

    it('findings sink writes pipewatch.suppressed: true for a suppressed finding', async () => {
      const prefix = `pwtest-${id}-findings`;
      const sink = createElasticsearchSink({ url, template, indexPrefix: prefix, retry: { retries: 2, minDelayMs: 20, maxDelayMs: 50 }, logger: recordingLogger(), refresh: 'wait_for' });
      const [quiet, loud] = runFindings(`s-${id}`);
      const suppression = { id: 'sup-abcdef', until: '2099-01-01T00:00:00.000Z', reason: 'known', author: 'alice' };
      await sink.write([quiet!, loud!], new Map([[quiet!.finding_id, { suppression }]]));
      await sink.close();
      const search = await es.call('POST', `${prefix}/_search`, { query: { term: { 'pipewatch.suppressed': true } } });
      const hits = (search.body.hits as { hits: { _id: string; _source: { pipewatch: { suppression: unknown } } }[] }).hits;
      assert.deepEqual(hits.map((hit) => hit._id), [quiet!.finding_id]);
      assert.deepEqual(hits[0]!._source.pipewatch.suppression, suppression);
    });
  });

  describe('Kafka', () => {
    let bus: KafkaBus;
    before(async () => {
      bus = await createKafkaBus({ brokers: await kafkaBrokers(), clientId: 'pwtest-deadletter', logger: recordingLogger() });
    });
    after(async () => {
      await bus?.close();
    });

    it('dead-letter topic: records, redelivered markers, outstanding', async () => {
      const topic = `pwtest.${randomUUID().slice(0, 8)}.notifications.deadletter`;
      await bus.ensureTopics([{ name: topic, partitions: 1, replicationFactor: 1, config: {} }]);
      const store = createBusDeadLetterStore({ publish: bus.publish, reader: bus, topic });
      const findings = runFindings('r-dl');
      const record = (n: number) => ({
        record_id: newDeadLetterId(),
        destination: 'hook',
        notification_id: `n${n}`,
        findings: [findings[n]!],
        failed_at: '2026-11-01T00:00:00.000Z',
        attempts: 7,
        error: { code: 'webhook_unreachable', message: 'down' },
      });
      const [first, second] = [record(0), record(1)];
      await store.put(first);
      await store.put(second);
      await store.markRedelivered(first.record_id);
      assert.deepEqual(await store.outstanding(), [second]);
    });
  });
});
