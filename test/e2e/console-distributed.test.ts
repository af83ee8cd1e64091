import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createKafkaBus, silentLogger, type Finding } from '@pipewatch/shared';
import { createElasticsearchSink } from '@pipewatch/alerter';
import { kafkaTopicSpecs } from '@pipewatch/infra';
import { encodeBaseline } from '@pipewatch/detector';
import { EXFIL_HOST, LIBRARY, RELEASE, runScenario } from '../../services/console/test/helpers/scenario.js';
import { ensureChromium, launchChromium, type Browser } from '../helpers/chromium.js';
import { elasticsearchUrl, kafkaBrokers } from '../helpers/servers.js';
import { spawnPipewatch, type RunningChild } from '../helpers/spawn-pipewatch.js';

const TOKEN = 'console-distributed-token-0123456789';
const template = JSON.parse(readFileSync(new URL('../../infra/elasticsearch/findings-index-template.json', import.meta.url), 'utf8')) as Record<string, unknown>;

/** Runs in the page (serialised, hence self-contained); the test tsconfig has no DOM types. */
function hasRows([selector, count]: readonly [string, number]): boolean {
  return (globalThis as unknown as { document: { querySelectorAll(selector: string): { length: number } } }).document.querySelectorAll(selector).length === count;
}

describe('pipewatch console against Elasticsearch and the Kafka baselines changelog @integration', function () {
  this.timeout(240_000);
  const id = randomUUID().slice(0, 8);
  const indexPrefix = `pwconsole-${id}-findings`;
  const topicPrefix = `pwconsole-${id}.`;
  const scenario = runScenario();
  let esUrl: string;
  let consoleChild: RunningChild;
  let browser: Browser | undefined;

  const api = async <T>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${consoleChild.url}${path}`, { ...init, headers: { authorization: `Bearer ${TOKEN}`, ...(init.headers ?? {}) } });
    return { status: response.status, body: (await response.json()) as T };
  };

  before(async function () {
    this.timeout(900_000);
    esUrl = await elasticsearchUrl();
    const brokers = await kafkaBrokers();
    // What the alerter's Elasticsearch sink writes in distributed mode.
    const sink = createElasticsearchSink({ url: esUrl, template, indexPrefix, refresh: 'wait_for', retry: { retries: 3, minDelayMs: 50, maxDelayMs: 200 }, logger: silentLogger() });
    await sink.write(scenario.findings);
    await sink.close();
    // What the detectors write to the baselines changelog.
    const bus = await createKafkaBus({ brokers, clientId: 'console-e2e', logger: silentLogger(), topics: kafkaTopicSpecs({ prefix: topicPrefix, partitions: 2, replicationFactor: 1 }) });
    await bus.publish(`${topicPrefix}baselines`, scenario.baselines.map((baseline) => ({ key: baseline.pipeline_id, value: '', bytes: encodeBaseline(baseline) })));
    await bus.close();

    consoleChild = await spawnPipewatch(
      ['console'],
      {
        ELASTICSEARCH_URL: esUrl,
        KAFKA_BROKERS: brokers.join(','),
        PIPEWATCH_ES_INDEX_PREFIX: indexPrefix,
        PIPEWATCH_TOPIC_PREFIX: topicPrefix,
        PIPEWATCH_KAFKA_PARTITIONS: '2',
        PIPEWATCH_INGEST_TOKENS: TOKEN,
        PIPEWATCH_HOST: '127.0.0.1',
      },
      'console started',
      90_000,
    );
  });
  after(async () => {
    await browser?.close();
    await consoleChild?.stop();
    await fetch(`${esUrl}/${indexPrefix}-*,pwconsole-${id}-suppressions?ignore_unavailable=true&allow_no_indices=true`, { method: 'DELETE' });
    await fetch(`${esUrl}/_index_template/${indexPrefix}`, { method: 'DELETE' });
  });

  it('lists the findings the Elasticsearch sink wrote, filters them, and opens one', async () => {
    assert.equal((await fetch(`${consoleChild.url}/v1/findings`)).status, 401, 'the token guards the API');
    const all = await api<{ findings: Finding[]; total: number }>('/v1/findings');
    assert.equal(all.status, 200);
    assert.equal(all.body.total, 2);
    assert.deepEqual(all.body.findings.map((finding) => finding.finding_id).sort(), scenario.findings.map((finding) => finding.finding_id).sort());
    const high = await api<{ findings: Finding[] }>('/v1/findings?min_severity=high&repository=octo/*');
    assert.deepEqual(high.body.findings.map((finding) => finding.rule.id), ['resource.duration.high']);
    const one = await api<{ finding: Finding }>(`/v1/findings/${high.body.findings[0]!.finding_id}`);
    assert.deepEqual(one.body.finding, scenario.findings.find((finding) => finding.rule.id === 'resource.duration.high'));
  });

  it('shows the pipelines from the baselines changelog with their findings from Elasticsearch', async () => {
    const answer = await api<{ pipelines: { id: string; status: string; runs: number; findings: number }[]; baselines_as_of: string | null }>('/v1/pipelines');
    assert.notEqual(answer.body.baselines_as_of, null);
    const rows = Object.fromEntries(answer.body.pipelines.map((row) => [row.id, [row.status, row.runs, row.findings]]));
    assert.deepEqual(rows, { [RELEASE]: ['stable', 12, 2], [LIBRARY]: ['learning', 3, 0] });
    const baseline = await api<{ baseline: { numeric: Record<string, number[]> } }>(`/v1/pipelines/${encodeURIComponent(RELEASE)}/baseline`);
    assert.equal(baseline.body.baseline.numeric['resources.duration_s']!.length, 12);
  });

  it('writes a suppression to the Elasticsearch suppressions index', async () => {
    const added = await api<{ suppression: { id: string } }>('/v1/suppressions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pipeline: RELEASE, rule: 'access.egress.new_host', subject: EXFIL_HOST, until: '1d', reason: 'known CDN', author: 'ops' }),
    });
    assert.equal(added.status, 201);
    const stored = (await (await fetch(`${esUrl}/pwconsole-${id}-suppressions/_doc/${added.body.suppression.id}`)).json()) as { found: boolean; _source: { author: string } };
    assert.equal(stored.found, true);
    assert.equal(stored._source.author, 'ops');
    const list = await api<{ suppressed: Record<string, string> }>('/v1/findings?category=access');
    assert.deepEqual(Object.values(list.body.suppressed), [added.body.suppression.id]);
  });

  it('renders the list and the numeric plot in Chromium', async function () {
    this.timeout(900_000);
    await ensureChromium();
    browser = await launchChromium();
    const { page } = browser;
    await page.goto(`${consoleChild.url}/ui?token=${TOKEN}`);
    await page.waitForFunction(hasRows, ['#findings-body tr', 2] as const);
    await browser.screenshot('console', 'distributed-findings');
    await page.click('#findings-body tr[data-severity="high"] td.summary a');
    await page.waitForSelector('#metric-plot canvas');
    const plot = (await page.evaluate('window.__pipewatchPlot')) as { highlightIndex: number; data: (number | null)[][] };
    assert.equal(plot.highlightIndex, 12, 'the twelve learned values from the changelog, then this run');
    assert.equal(plot.data[5]![12], 1260);
    await browser.screenshot('console', 'distributed-finding-numeric');
  });
});
