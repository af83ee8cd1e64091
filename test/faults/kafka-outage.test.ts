import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runEventId } from '@pipewatch/forwarder';
import type { RunEvent } from '@pipewatch/shared';
import { elasticsearchUrl } from '../helpers/servers.js';
import { waitFor } from '../helpers/wait-for.js';
import { newClientStats, postUntilAccepted, startSteadyStream } from './support/ci-client.js';
import { awaitConvergence, duplicatesOf } from './support/convergence.js';
import { startCountingReceiver, type CountingReceiver } from './support/counting-receiver.js';
import { createDeployment, type Deployment, type Role } from './support/deployment.js';
import { compareIds } from './support/elasticsearch-findings.js';
import { forwardRun, spooledRunEvents } from './support/forward-run.js';
import { expectedFindings } from './support/oracle.js';
import { startRestartableKafka, type RestartableServer } from './support/restartable-servers.js';
import { WARMUP_RUNS, runEvent } from './support/run-events.js';
import { startSampler, type Sampler } from './support/samplers.js';
import { scale } from './support/soak.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** How long the broker stays stopped. */
const OUTAGE_MS = scale(30_000, 180_000);
/** Time the readiness probe gets to notice the broker is gone (it asks every 2 s, gives up after 3 s). */
const READINESS_GRACE_MS = 10_000;
const PIPELINES = Array.from({ length: 4 }, (_, k) => `github:fault/kafka-${k}:.github/workflows/ci.yml:build`);
/** Two forwarded jobs, one finishing during the outage and one after: each judged against its own baseline. */
const FORWARDED = { during: 'agent:fault/kafka-forwarded-during:build', after: 'agent:fault/kafka-forwarded-after:build' };
/** Every judged run reaches a host of its own: one finding per run, whatever order runs are judged in. */
const SHAPE = { slowEvery: 0, newHostEvery: 1 };
const ROLES: Role[] = ['collector', 'detector', 'alerter'];

/** Ordinary runs of a forwarded job: ~1 s, ~20 MB. */
function forwardedBaseline(pipeline: string, i: number): RunEvent {
  return {
    schema: 'pipewatch.run/v1',
    event_id: `${pipeline}#baseline-${i}`,
    source: 'agent',
    occurred_at: new Date(Date.now() - (20 - i) * 60_000).toISOString(),
    pipeline: { id: pipeline },
    run: { id: `baseline-${i}`, status: 'success' },
    resources: { duration_s: 1 + (i % 3) * 0.05, max_rss_mb: 20 + (i % 3) },
  };
}

async function findingsOfRun(esUrl: string, indexPrefix: string, runId: string): Promise<string[]> {
  await fetch(`${esUrl}/${indexPrefix}-*/_refresh?ignore_unavailable=true&allow_no_indices=true`, { method: 'POST' });
  const response = await fetch(`${esUrl}/${indexPrefix}-*/_search?ignore_unavailable=true&allow_no_indices=true`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ size: 100, _source: ['rule.id'], query: { term: { 'pipewatch.run.id': runId } } }),
  });
  const body = (await response.json()) as { hits?: { hits: { _source: { rule: { id: string } } }[] } };
  return (body.hits?.hits ?? []).map((hit) => hit._source.rule.id);
}

describe('faults: Kafka outage under load @integration @faults', function () {
  this.timeout(scale(360_000, 0));
  let kafka: RestartableServer | undefined;
  let receiver: CountingReceiver;
  let deployment: Deployment;
  let esUrl: string;
  let spoolDir: string;
  let readiness: Sampler | undefined;

  before(async function () {
    this.timeout(240_000);
    // Our own broker: stopping the shared one would break the suites around us.
    const [server, url] = await Promise.all([startRestartableKafka(), elasticsearchUrl()]);
    kafka = server;
    esUrl = url;
    spoolDir = await mkdtemp(join(tmpdir(), 'pipewatch-fault-spool-'));
    receiver = await startCountingReceiver();
    deployment = await createDeployment({ brokers: kafka.address, esUrl, webhookUrl: receiver.url });
    await deployment.start('alerter');
    await deployment.start('detector');
    await deployment.start('collector');
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(`      service warnings and errors (last 80):\n${deployment?.troubles(80)}`);
  });

  after(async function () {
    this.timeout(60_000);
    readiness?.stop();
    await deployment?.stopAll();
    await receiver?.close();
    await kafka?.destroy();
    if (spoolDir) await rm(spoolDir, { recursive: true, force: true });
  });

  it(`answers 503 + Retry-After and not ready while the broker is down for ${OUTAGE_MS / 1000} s, never 202s what it could not hand off, and every service recovers by itself`, async function () {
    const url = () => deployment.collectorUrl;
    const pids = new Map(ROLES.map((role) => [role, deployment.running(role).child.pid]));

    // Baselines first: every pipeline judged, and two forwarded jobs of ~20 MB.
    const warmup = new Map<string, RunEvent[]>(PIPELINES.map((pipeline) => [pipeline, []]));
    const warmupStats = newClientStats();
    await Promise.all([
      ...PIPELINES.map(async (pipeline) => {
        for (let i = 0; i < WARMUP_RUNS + 2; i++) {
          const event = runEvent(pipeline, i, SHAPE);
          await postUntilAccepted(url, event, warmupStats);
          warmup.get(pipeline)!.push(event);
        }
      }),
      ...Object.values(FORWARDED).map(async (pipeline) => {
        for (let i = 0; i < WARMUP_RUNS; i++) await postUntilAccepted(url, forwardedBaseline(pipeline, i), warmupStats);
      }),
    ]);

    readiness = startSampler(async () => {
      const response = await fetch(`${url()}/readyz`, { signal: AbortSignal.timeout(2_000) }).catch(() => undefined);
      return response?.status ?? 0;
    }, 250);
    const load = startSteadyStream({ url, pipelines: PIPELINES, make: (pipeline, i) => runEvent(pipeline, i, SHAPE), firstIndex: WARMUP_RUNS + 2, pauseMs: 100 });
    await sleep(5_000);

    const stopping = Date.now();
    await kafka!.stop();
    const down = Date.now();
    await sleep(Math.min(5_000, OUTAGE_MS / 3));
    // A CI job finishing during the outage: the forwarder retries, then spools its run event.
    const during = await forwardRun(url(), FORWARDED.during, 'fwd-during-outage', spoolDir);
    const spooled = await spooledRunEvents(spoolDir);
    await sleep(Math.max(0, down + OUTAGE_MS - Date.now()));
    const restarting = Date.now();
    await kafka!.start();
    const up = Date.now();

    await waitFor(() => load.stats.acceptedAt.some((at) => at > up), 'a 202 after the broker came back', 120_000);
    const firstAcceptedAfter = load.stats.acceptedAt.find((at) => at > up)!;
    await waitFor(() => readiness!.samples.some((sample) => sample.at > up && sample.value === 200), '/readyz 200 again', 60_000);
    const readyAgain = readiness.samples.find((sample) => sample.at > up && sample.value === 200)!.at;
    // The next CI job: its forwarder sends the spooled run first, then its own.
    const after = await forwardRun(url(), FORWARDED.after, 'fwd-after-outage', spoolDir);
    await sleep(5_000);
    await load.stop();
    readiness.stop();

    const accepted = new Map([...warmup].map(([pipeline, events]) => [pipeline, [...events, ...load.accepted.get(pipeline)!]]));
    const expected = expectedFindings(accepted.values());
    const expectedIds = new Set(expected.keys());
    const converged = await awaitConvergence(esUrl, deployment.indexPrefix, receiver, expectedIds, scale(240_000, 600_000), { pipelines: PIPELINES }).catch((error: Error) => {
      throw new Error(`${error.message}\nservice warnings:\n${deployment.troubles()}`);
    });
    const stored = converged.stored.unique;
    const unjudged = [...expected].filter(([id]) => !stored.has(id)).map(([, origin]) => origin.event);
    await waitFor(async () => (await findingsOfRun(esUrl, deployment.indexPrefix, 'fwd-after-outage')).includes('resource.memory.high'), 'the forwarded run after the outage judged', 60_000).catch(
      (error: Error) => {
        throw new Error(`${error.message}; forwarder stderr during: ${during.stderr}; after: ${after.stderr}`);
      },
    );
    const forwardedDuring = await findingsOfRun(esUrl, deployment.indexPrefix, 'fwd-during-outage');

    const streamed = receiver.deliveries.filter((delivery) => PIPELINES.includes(delivery.pipelineId));
    const outageAnswers = readiness.between(down + READINESS_GRACE_MS, restarting);
    const notReadyAt = readiness.samples.find((sample) => sample.at > stopping && sample.value === 503)?.at;
    const acceptedDuringOutage = load.stats.acceptedAt.filter((at) => at > down && at < restarting).length;
    console.log(
      `      outage: broker stopped ${((down - stopping) / 1000).toFixed(1)} s after SIGTERM, down ${((restarting - down) / 1000).toFixed(0)} s, restart took ${((up - restarting) / 1000).toFixed(1)} s`,
    );
    console.log(
      `      /readyz: 503 ${notReadyAt ? ((notReadyAt - stopping) / 1000).toFixed(1) : '?'} s after the stop began, 200 again ${((readyAgain - up) / 1000).toFixed(1)} s after the broker was back; ` +
        `first 202 ${((firstAcceptedAfter - up) / 1000).toFixed(1)} s after it was back`,
    );
    console.log(
      `      client: ${load.stats.accepted} events accepted, ${load.stats.unavailable} answers 503 (${load.stats.unavailableWithRetryAfter} with Retry-After), ` +
        `${acceptedDuringOutage} 202s while the broker was down, ${load.stats.connectionErrors} connection errors`,
    );
    console.log(
      `      forwarder: during the outage exit ${during.code} in ${(during.ms / 1000).toFixed(1)} s, spooled [${spooled.join(', ')}]; ` +
        `after: exit ${after.code}, spool left ${(await spooledRunEvents(spoolDir)).length}; findings of the spooled run: ${forwardedDuring.join(', ')}`,
    );
    console.log(
      `      findings: ${expectedIds.size} expected, ${converged.stored.ids.length} stored, ${duplicatesOf(converged.stored.ids)} duplicates; ` +
        `webhooks ${streamed.length} raw, ${receiver.uniqueFindingIds(PIPELINES).size} distinct; all stored ${(converged.storedAfterMs / 1000).toFixed(1)} s after the load stopped`,
    );

    assert.ok(load.stats.unavailable > 0, 'the collector answered 503 while the broker was down');
    assert.equal(load.stats.unavailableWithRetryAfter, load.stats.unavailable, 'every 503 carried Retry-After');
    assert.ok(outageAnswers.length > 0 && outageAnswers.every((sample) => sample.value === 503), `/readyz was 503 throughout the outage: ${JSON.stringify(outageAnswers.map((sample) => sample.value))}`);
    assert.deepEqual(unjudged, [], 'every event answered 202 was judged');
    assert.deepEqual(compareIds(expectedIds, converged.stored.ids), { missing: [], unexpected: [] }, 'Elasticsearch holds exactly the expected findings');
    assert.equal(duplicatesOf(converged.stored.ids), 0);
    assert.deepEqual(compareIds(expectedIds, receiver.uniqueFindingIds(PIPELINES)), { missing: [], unexpected: [] }, 'the webhook got every expected finding');
    for (const role of ROLES) {
      assert.equal(deployment.running(role).child.pid, pids.get(role), `the ${role} recovered without a restart`);
      assert.equal(deployment.running(role).child.exitCode, null, `the ${role} is still running`);
    }
    assert.equal(during.code, 3, 'the forwarded command\'s exit code, despite the outage');
    assert.deepEqual(spooled, [runEventId({ pipelineId: FORWARDED.during, runId: 'fwd-during-outage' })], 'the forwarder spooled its run event');
    assert.equal(after.code, 3);
    assert.deepEqual(await spooledRunEvents(spoolDir), [], 'the next forwarder delivered the spool');
    assert.ok(forwardedDuring.includes('resource.memory.high'), `the spooled run was delivered and judged: ${forwardedDuring.join(', ')}`);
  });
});
