import assert from 'node:assert/strict';
import { elasticsearchUrl, kafkaBrokers } from '../helpers/servers.js';
import { waitFor } from '../helpers/wait-for.js';
import { startSteadyStream } from './support/ci-client.js';
import { startCountingReceiver, type CountingReceiver } from './support/counting-receiver.js';
import { createDeployment, type Deployment } from './support/deployment.js';
import { storedFindings } from './support/elasticsearch-findings.js';
import { createLagReader, type LagReader } from './support/group-lag.js';
import { expectedFindings } from './support/oracle.js';
import { runEvent } from './support/run-events.js';
import { rssMb, startSampler } from './support/samplers.js';
import { scale } from './support/soak.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The receiver answers every webhook after this long. */
const RECEIVER_DELAY_MS = 5_000;
/** Load with a fast receiver first, then this long with the slow one. */
const FAST_MS = 16_000;
/** The first seconds of load warm the pipeline up (group joins, JIT): the fast phase is judged after them. */
const WARMUP_MS = 8_000;
const LOAD_MS = scale(20_000, 300_000);
/**
 * From a run's 202 to its findings being searchable, with the slow receiver: at most
 * the fast phase's p95 plus 3 s of noise, or 10 s on a machine where even that is slower.
 * Writes that waited for the webhooks would fall behind by 5 s per finding.
 */
const STORE_LATENCY_P95_LIMIT_MS = 10_000;
/** See elasticsearch-outage.test.ts for why 300 MB. */
const RSS_LIMIT_MB = 300;
const PIPELINES = Array.from({ length: 4 }, (_, k) => `github:fault/slow-${k}:.github/workflows/ci.yml:build`);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

describe('faults: a webhook receiver that takes 5 s per request @integration @faults', function () {
  this.timeout(scale(240_000, 0));
  let receiver: CountingReceiver;
  let deployment: Deployment;
  let lagReader: LagReader;
  let esUrl: string;

  before(async function () {
    this.timeout(240_000);
    const [brokers, url] = await Promise.all([kafkaBrokers(), elasticsearchUrl()]);
    esUrl = url;
    receiver = await startCountingReceiver();
    // Slow but successful: the timeout is above the receiver's 5 s, so nothing is retried.
    deployment = await createDeployment({ brokers: brokers.join(','), esUrl, webhookUrl: receiver.url, env: { PIPEWATCH_WEBHOOK_TIMEOUT_MS: '15000' } });
    lagReader = await createLagReader(brokers);
    await deployment.start('alerter');
    await deployment.start('detector');
    await deployment.start('collector');
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(`      service warnings and errors (last 80):\n${deployment?.troubles(80)}`);
  });

  after(async function () {
    this.timeout(60_000);
    await deployment?.stopAll();
    await receiver?.close();
    await lagReader?.close();
  });

  it('does not hold back Elasticsearch writes or the findings offsets, and the alerter\'s memory stays bounded', async function () {
    const alerterPid = deployment.running('alerter').child.pid!;
    const rss = startSampler(() => rssMb(alerterPid), 1_000);
    const lag = startSampler(() => lagReader.lag(deployment.groups.alerter, deployment.topics.findings), 1_000);
    const firstSeen = new Map<string, number>();
    const watcher = startSampler(async () => {
      const stored = await storedFindings(esUrl, deployment.indexPrefix);
      for (const id of stored?.unique ?? []) if (!firstSeen.has(id)) firstSeen.set(id, Date.now());
      return stored?.unique.size;
    }, 500);

    // The same load first with a receiver that answers at once (the normal latency), then with one that takes 5 s.
    const began = Date.now();
    const load = startSteadyStream({
      url: () => deployment.collectorUrl,
      pipelines: PIPELINES,
      make: (pipeline, i) => runEvent(pipeline, i, { slowEvery: 7, newHostEvery: 4 }),
      firstIndex: 0,
      pauseMs: 150,
    });
    await sleep(FAST_MS);
    receiver.setDelay(RECEIVER_DELAY_MS);
    const slowFrom = Date.now();
    const deliveredFast = receiver.deliveries.length;
    await sleep(LOAD_MS);
    await load.stop();
    const stopped = Date.now();

    const expected = expectedFindings(load.accepted.values());
    await waitFor(() => [...expected.keys()].every((id) => firstSeen.has(id)), 'every finding in Elasticsearch', 60_000);
    await waitFor(async () => (await lagReader.lag(deployment.groups.alerter, deployment.topics.findings)) === 0, 'alerter lag 0', 30_000);
    const lagZeroAt = Date.now();
    const deliveredWhenCaughtUp = receiver.deliveries.length;
    watcher.stop();
    lag.stop();
    await sleep(2_000);
    rss.stop();

    const byPhase = (from: number, to: number): number[] =>
      [...expected]
        .filter(([, origin]) => load.acceptedAt.get(origin.event)! >= from && load.acceptedAt.get(origin.event)! < to)
        .map(([id, origin]) => firstSeen.get(id)! - load.acceptedAt.get(origin.event)!);
    const fast = byPhase(began + WARMUP_MS, slowFrom);
    const slow = byPhase(slowFrom + RECEIVER_DELAY_MS, stopped);
    const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
    const rssFast = mean(rss.between(began, slowFrom).map((sample) => sample.value));
    const rssSlow = rss.between(slowFrom, stopped).map((sample) => sample.value);
    const waiting = expected.size - deliveredWhenCaughtUp;
    const seconds = (ms: number): string => (ms / 1000).toFixed(1);

    console.log(
      `      ${load.stats.accepted} events, ${expected.size} findings; 202 → searchable in Elasticsearch with a fast receiver: p50 ${seconds(percentile(fast, 50))} s, p95 ${seconds(percentile(fast, 95))} s (${fast.length}); ` +
        `with the 5 s receiver: p50 ${seconds(percentile(slow, 50))} s, p95 ${seconds(percentile(slow, 95))} s, max ${seconds(Math.max(...slow))} s (${slow.length})`,
    );
    console.log(
      `      webhooks: ${deliveredFast} answered in the fast phase; when the alerter's lag was 0 again (${seconds(lagZeroAt - stopped)} s after the load stopped, peak ${lag.max()}) ` +
        `${deliveredWhenCaughtUp} answered and ${waiting} still waiting on the receiver`,
    );
    console.log(
      `      alerter RSS: ${rssFast.toFixed(0)} MB in the fast phase, ${mean(rssSlow).toFixed(0)} MB mean / ${Math.max(...rssSlow).toFixed(0)} MB peak in the slow phase, ${rss.samples.at(-1)?.value.toFixed(0)} MB after`,
    );

    assert.ok(fast.length > 20 && slow.length > 50, `enough findings in both phases (${fast.length}, ${slow.length})`);
    assert.ok(waiting > slow.length / 2, `the receiver really was the bottleneck (${waiting} of ${expected.size} notifications still waiting)`);
    const limit = Math.max(STORE_LATENCY_P95_LIMIT_MS, percentile(fast, 95) + 3_000);
    assert.ok(percentile(slow, 95) < limit, `findings reached Elasticsearch at normal latency (p95 ${percentile(slow, 95)} ms, limit ${limit} ms)`);
    assert.ok(rss.max() < RSS_LIMIT_MB, `alerter RSS peaked at ${rss.max().toFixed(0)} MB`);
  });
});
