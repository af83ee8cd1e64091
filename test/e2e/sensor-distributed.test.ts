import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createKafkaBus, Finding, severityRank, silentLogger, type KafkaBus, type Subscription } from '@pipewatch/shared';
import { decodeBaseline } from '@pipewatch/detector';
import { straceAvailable } from '@pipewatch/forwarder';
import { kafkaTopicSpecs } from '@pipewatch/infra';
import { elasticsearchUrl, kafkaBrokers } from '../helpers/servers.js';
import { spawnPipewatch, type RunningChild } from '../helpers/spawn-pipewatch.js';
import { waitFor } from '../helpers/wait-for.js';
import { startSensorFixture, type SensorFixture } from './fixtures/sensor-fixture.js';

const PIPELINE = 'agent:e2e/sensor-distributed:build';
const MIN_RUNS = 5;

/**
 * The streaming path and `--fail-on` in distributed mode: collector, detector and alerter
 * as their own processes over real Kafka and Elasticsearch. The collector follows the
 * findings topic itself, so it can answer a streamed observation with its run's findings.
 */
describe('runner sensor in distributed mode: forward --fail-on against collector, detector and alerter over Kafka @integration', function () {
  this.timeout(300_000);
  const id = randomUUID().slice(0, 8);
  const prefix = `pwsd.${id}.`;
  const indexPrefix = `pwsd-${id}-findings`;
  const children: RunningChild[] = [];
  let collector: RunningChild;
  let fixture: SensorFixture | undefined;
  let bus: KafkaBus | undefined;
  let changelog: Subscription | undefined;
  let esUrl: string;
  /** Runs learned per the newest baseline record the detector wrote for the pipeline. */
  let learned = 0;

  before(async function () {
    this.timeout(900_000);
    const probe = await straceAvailable();
    if (!probe.ok) {
      console.warn(`strace unavailable: ${probe.reason}`);
      this.skip();
    }
    const [brokers, url] = await Promise.all([kafkaBrokers(), elasticsearchUrl()]);
    esUrl = url;
    const env = {
      KAFKA_BROKERS: brokers.join(','),
      ELASTICSEARCH_URL: esUrl,
      PIPEWATCH_TOPIC_PREFIX: prefix,
      PIPEWATCH_KAFKA_PARTITIONS: '2',
      PIPEWATCH_DETECTOR_GROUP: `pwsd-${id}-detector`,
      PIPEWATCH_ALERTER_GROUP: `pwsd-${id}-alerter`,
      PIPEWATCH_ES_INDEX_PREFIX: indexPrefix,
      PIPEWATCH_MIN_RUNS: String(MIN_RUNS),
    };
    // Watch what the detector learns, from the baselines changelog it writes.
    bus = await createKafkaBus({ brokers, clientId: `pwsd-${id}`, logger: silentLogger(), topics: kafkaTopicSpecs({ prefix, partitions: 2, replicationFactor: 1 }) });
    changelog = await bus.follow(`${prefix}baselines`, (message) => {
      if (message.key === PIPELINE && message.bytes && message.bytes.length > 0) learned = decodeBaseline(message.bytes).runs;
    });
    for (const role of ['detector', 'alerter', 'collector'] as const) {
      const child = await spawnPipewatch([role], env, `${role} started`, 90_000);
      children.push(child);
      if (role === 'collector') collector = child;
    }
    fixture = await startSensorFixture(PIPELINE);
  });

  after(async () => {
    await Promise.all(children.map((child) => child.stop('SIGKILL')));
    await changelog?.close();
    await bus?.close();
    await fixture?.close();
  });

  async function findingsInElasticsearch(runId: string): Promise<Finding[]> {
    await fetch(`${esUrl}/${indexPrefix}-*/_refresh?ignore_unavailable=true&allow_no_indices=true`, { method: 'POST' });
    const response = await fetch(`${esUrl}/${indexPrefix}-*/_search?ignore_unavailable=true&allow_no_indices=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ size: 200, query: { term: { 'pipewatch.run.id': runId } } }),
    });
    const body = (await response.json()) as { hits?: { hits: { _source: { pipewatch: { finding: unknown } } }[] } };
    return (body.hits?.hits ?? []).map((hit) => Finding.parse(hit._source.pipewatch.finding));
  }

  it('learns ordinary runs streamed through Kafka', async () => {
    for (let i = 0; i < MIN_RUNS + 1; i++) assert.equal((await fixture!.job('none', collector.url)).code, 0);
    await waitFor(async () => learned >= MIN_RUNS + 1, 'the ordinary runs learned', 60_000);
  });

  it('--fail-on high stops the job on a finding the detector raised through Kafka, names it, and the finding is in Elasticsearch', async function () {
    if (learned < MIN_RUNS) this.skip();
    const result = await fixture!.job('curl-env', collector.url, ['--fail-on', 'high']);
    assert.notEqual(result.code, 0, 'the job was failed');
    assert.match(result.stderr, /pipewatch: stopping the job on a (high|critical) finding, access\.egress\.unresolved_ip: Connected to 127\.0\.0\.2/);
    const stoppedAfter = result.endedAt - result.actAt!;
    console.log(`      distributed: stopped ${stoppedAfter} ms after the act`);
    // The job would have gone on for 2.5 s after its act.
    assert.ok(stoppedAfter < 2500, `the job ended ${stoppedAfter} ms after the act`);
    await waitFor(async () => (await findingsInElasticsearch(result.runId)).some((finding) => finding.rule.id === 'access.egress.unresolved_ip'), 'the finding in Elasticsearch', 30_000);
    const stored = (await findingsInElasticsearch(result.runId)).filter((finding) => finding.rule.id === 'access.egress.unresolved_ip');
    const first = stored.reduce((a, b) => (a.detected_at <= b.detected_at ? a : b));
    assert.ok(severityRank(first.severity) >= severityRank('high'));
    assert.equal(first.run.status, 'running', 'raised from a streamed partial observation');
    const latency = Date.parse(first.detected_at) - result.actAt!;
    console.log(`      distributed: curl-env → ${first.rule.id} ${first.severity} after ${latency} ms`);
    assert.ok(latency >= 0 && latency < 2000, `detected ${latency} ms after the act`);
  });
});
