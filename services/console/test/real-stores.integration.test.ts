import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createKafkaBus, silentLogger, type KafkaBus } from '@pipewatch/shared';
import { createElasticsearchSink } from '@pipewatch/alerter';
import { emptyBaseline, encodeBaseline } from '@pipewatch/detector';
import { elasticsearchUrl, kafkaBrokers } from '../../../test/helpers/servers.js';
import { createChangelogBaselineReader } from '../src/baselines/changelog-baseline-reader.js';
import { createElasticsearchFindingsReader } from '../src/findings/elasticsearch-findings-reader.js';
import type { FindingsQuery } from '../src/findings/findings-reader.js';
import { syntheticFinding } from './helpers/synthetic-finding.js';

const template = JSON.parse(readFileSync(new URL('../../../infra/elasticsearch/findings-index-template.json', import.meta.url), 'utf8')) as Record<string, unknown>;

describe('console readers on real servers @integration', function () {
  this.timeout(180_000);

  describe('Elasticsearch findings reader', () => {
    const prefix = `pwconsole-${randomUUID().slice(0, 8)}-findings`;
    let url: string;
    // Two months, so the alias spans two indices; ties on time to exercise the id tiebreak.
    const findings = [
      ...Array.from({ length: 7 }, (_, n) => syntheticFinding(n, { severity: n % 3 === 0 ? 'high' : 'low', category: n % 2 ? 'access' : 'resource', pipeline: `p${n % 2}`, repository: n % 2 ? 'octo/app' : 'octo/lib' })),
      syntheticFinding(20, { at: '2026-02-10T00:00:00.000Z', severity: 'critical', ruleId: 'integrity.dependency.digest_mismatch', category: 'integrity', pipeline: 'p0' }),
      syntheticFinding(21, { at: '2026-02-10T00:00:00.000Z', severity: 'medium', ruleId: 'access.egress.new_host', category: 'access', pipeline: 'p1' }),
    ];

    before(async () => {
      url = await elasticsearchUrl();
      const sink = createElasticsearchSink({ url, template, indexPrefix: prefix, refresh: 'wait_for', retry: { retries: 3, minDelayMs: 50, maxDelayMs: 200 }, logger: silentLogger() });
      await sink.write(findings);
      await sink.close();
    });
    after(async () => {
      await fetch(`${url}/${prefix}-*?ignore_unavailable=true&allow_no_indices=true`, { method: 'DELETE' });
      await fetch(`${url}/_index_template/${prefix}`, { method: 'DELETE' });
    });

    const reader = () => createElasticsearchFindingsReader({ url, alias: prefix });
    const ids = async (query: Omit<FindingsQuery, 'limit'>): Promise<string[]> => (await reader().list({ limit: 100, ...query })).findings.map((finding) => finding.finding_id);

    it('lists what the sink wrote, newest first across monthly indices, the stored finding intact', async () => {
      const page = await reader().list({ limit: 100 });
      assert.equal(page.total, 9);
      assert.deepEqual(page.findings.map((finding) => finding.finding_id), ['f-0021', 'f-0020', 'f-0006', 'f-0005', 'f-0004', 'f-0003', 'f-0002', 'f-0001', 'f-0000']);
      assert.deepEqual(page.findings[1], findings[7]);
    });

    it('filters on the index fields like the file reader does', async () => {
      assert.deepEqual(await ids({ minSeverity: 'high' }), ['f-0020', 'f-0006', 'f-0003', 'f-0000']);
      assert.deepEqual(await ids({ severities: ['low'], categories: ['access'] }), ['f-0005', 'f-0001']);
      assert.deepEqual(await ids({ rule: 'integrity.*' }), ['f-0020']);
      assert.deepEqual(await ids({ repository: 'octo/a*' }), ['f-0021', 'f-0020', 'f-0005', 'f-0003', 'f-0001']);
      assert.deepEqual(await ids({ repository: 'octo/lib' }), ['f-0006', 'f-0004', 'f-0002', 'f-0000']);
      assert.deepEqual(await ids({ pipeline: 'p1', since: '2026-02-01T00:00:00Z' }), ['f-0021']);
      assert.deepEqual(await ids({ until: '2026-01-01T00:03:00Z' }), ['f-0002', 'f-0001', 'f-0000']);
      assert.deepEqual(await ids({ run: 'r4' }), ['f-0004']);
    });

    it('pages with search_after: each finding once', async () => {
      const seen: string[] = [];
      let after: FindingsQuery['after'];
      for (let pages = 0; pages < 10; pages++) {
        const page = await reader().list({ limit: 4, ...(after ? { after } : {}) });
        seen.push(...page.findings.map((finding) => finding.finding_id));
        if (!page.next) break;
        after = page.next;
      }
      assert.deepEqual(seen, ['f-0021', 'f-0020', 'f-0006', 'f-0005', 'f-0004', 'f-0003', 'f-0002', 'f-0001', 'f-0000']);
    });

    it('gets one finding by id, and summarises per pipeline', async () => {
      assert.deepEqual(await reader().get('f-0020'), findings[7]);
      assert.equal(await reader().get('f-9999'), undefined);
      const summary = (await reader().byPipeline()).sort((a, b) => (a.pipelineId < b.pipelineId ? -1 : 1));
      assert.deepEqual(summary.map((entry) => [entry.pipelineId, entry.count, entry.latest.finding_id]), [['p0', 5, 'f-0020'], ['p1', 4, 'f-0021']]);
    });

    it('reads an alias that does not exist yet as empty', async () => {
      const page = await createElasticsearchFindingsReader({ url, alias: `pwconsole-${randomUUID().slice(0, 8)}-none` }).list({ limit: 10 });
      assert.deepEqual([page.findings, page.total, page.next], [[], 0, null]);
    });
  });

  describe('changelog baseline reader', () => {
    let bus: KafkaBus;
    const topic = `pwconsole-${randomUUID().slice(0, 8)}.baselines`;
    before(async () => {
      bus = await createKafkaBus({ brokers: await kafkaBrokers(), clientId: 'console-test', logger: silentLogger() });
      await bus.ensureTopics([{ name: topic, partitions: 3, replicationFactor: 1, config: { 'cleanup.policy': 'compact' } }]);
    });
    after(() => bus.close());

    it('reads every partition to its end, the last record per pipeline winning and an empty value deleting', async () => {
      const put = (id: string, runs: number) => bus.publish(topic, [{ key: id, value: '', bytes: encodeBaseline({ ...emptyBaseline(id), runs }) }]);
      for (let n = 0; n < 6; n++) await put(`pipeline-${n}`, 1);
      await put('pipeline-0', 5);
      await bus.publish(topic, [{ key: 'pipeline-5', value: '' }]);
      const reader = createChangelogBaselineReader({ reader: bus, topic, partitions: 3, refreshMs: 60_000, logger: silentLogger() });
      try {
        const listed = (await reader.list()).map((baseline) => [baseline.pipeline_id, baseline.runs]).sort();
        assert.deepEqual(listed, [['pipeline-0', 5], ['pipeline-1', 1], ['pipeline-2', 1], ['pipeline-3', 1], ['pipeline-4', 1]]);
        assert.equal((await reader.get('pipeline-0'))?.runs, 5);
        assert.notEqual(reader.asOf(), null);
      } finally {
        await reader.close?.();
      }
    });
  });
});
