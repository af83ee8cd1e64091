import assert from 'node:assert/strict';
import { elasticsearchUrl, kafkaBrokers } from '../helpers/servers.js';
import { startSteadyStream } from './support/ci-client.js';
import { awaitConvergence, duplicatesOf } from './support/convergence.js';
import { startCountingReceiver, type CountingReceiver } from './support/counting-receiver.js';
import { createDeployment, type Deployment, type Role } from './support/deployment.js';
import { compareIds } from './support/elasticsearch-findings.js';
import { expectedFindings } from './support/oracle.js';
import { runEvent } from './support/run-events.js';
import { faultSeed, seededRandom } from './support/seeded-random.js';
import { scale } from './support/soak.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Rounds of "kill the detector, then the alerter, then the collector". */
const ROUNDS = scale(4, 12);
const PIPELINES = Array.from({ length: 6 }, (_, k) => `github:fault/crash-${k}:.github/workflows/ci.yml:build`);
const ORDER: Role[] = ['detector', 'alerter', 'collector'];

interface Kill {
  role: Role;
  /** Seconds into the stream. */
  at: number;
  /** How long the service had run before it was killed. */
  uptimeMs: number;
}

describe('faults: crash recovery (SIGKILL mid-stream) @integration @faults', function () {
  this.timeout(scale(420_000, 0));
  let receiver: CountingReceiver;
  let deployment: Deployment;
  let esUrl: string;

  before(async function () {
    this.timeout(240_000);
    const [brokers, url] = await Promise.all([kafkaBrokers(), elasticsearchUrl()]);
    esUrl = url;
    receiver = await startCountingReceiver();
    deployment = await createDeployment({ brokers: brokers.join(','), esUrl, webhookUrl: receiver.url });
    await deployment.start('alerter');
    await deployment.start('detector');
    await deployment.start('collector');
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(`      service warnings and errors (last 80):\n${deployment?.troubles(80)}`);
  });

  after(async () => {
    await deployment?.stopAll();
    await receiver?.close();
  });

  it(`survives ${ROUNDS * 3} SIGKILLs (detector, alerter, collector in turn, at seeded random moments, outages overlapping): every finding of the accepted events is in Elasticsearch exactly once and reaches the webhook`, async function () {
    const seed = faultSeed();
    const random = seededRandom(seed);
    console.log(`      seed ${seed} (FAULT_SEED=${seed} replays these kill moments)`);
    const began = Date.now();
    const stream = startSteadyStream({
      url: () => deployment.collectorUrl,
      pipelines: PIPELINES,
      make: (pipeline, i) => runEvent(pipeline, i, { slowEvery: 9, newHostEvery: 5 }),
      firstIndex: 0,
      pauseMs: 150,
      maxRetryAfterMs: 1_000,
    });
    const startedAt = new Map<Role, number>(ORDER.map((role) => [role, Date.now()]));
    // Restarts run in the background, so the next kill (of another service) may land while one
    // is still starting or rejoining its group: outages overlap. A service is killed again only
    // once its own restart is up.
    const restarting = new Map<Role, Promise<void>>();
    const kills: Kill[] = [];
    try {
      await sleep(5_000);
      for (let round = 0; round < ROUNDS; round++) {
        for (const role of ORDER) {
          await sleep(random.between(1_000, 4_000));
          await restarting.get(role);
          kills.push({ role, at: (Date.now() - began) / 1000, uptimeMs: Date.now() - startedAt.get(role)! });
          await deployment.kill(role);
          // Down for a moment, as a crash-looping pod would be before its restart.
          const restart = sleep(random.between(0, 1_000))
            .then(() => deployment.start(role))
            .then(() => void startedAt.set(role, Date.now()));
          restart.catch(() => undefined);
          restarting.set(role, restart);
        }
      }
      await Promise.all(restarting.values());
      await sleep(5_000);
    } finally {
      await stream.stop();
    }
    const streamSeconds = (Date.now() - began) / 1000;

    const expected = expectedFindings(stream.accepted.values());
    const expectedIds = new Set(expected.keys());
    const sent = stream.stats.accepted;
    assert.ok(expectedIds.size > 100, `the stream should raise plenty of findings, got ${expectedIds.size}`);

    let converged;
    try {
      converged = await awaitConvergence(esUrl, deployment.indexPrefix, receiver, expectedIds, scale(240_000, 600_000));
    } catch (error) {
      throw new Error(`${(error as Error).message}\nservice warnings:\n${deployment.troubles()}`);
    }
    const { stored } = converged;
    const storedCheck = compareIds(expectedIds, stored.ids);
    const delivered = receiver.deliveries.map((delivery) => delivery.findingId);
    const deliveredCheck = compareIds(expectedIds, delivered);
    const byRole = Object.fromEntries(ORDER.map((role) => [role, kills.filter((kill) => kill.role === role).length]));

    console.log(`      kills survived: ${JSON.stringify(byRole)} at ${kills.map((kill) => `${kill.role[0]}@${kill.at.toFixed(1)}s`).join(' ')}`);
    const restarts = ORDER.map((role) => `${role} ${deployment.startMs[role].slice(1).map((ms) => (ms / 1000).toFixed(1)).join('/')} s`);
    console.log(`      restart times: ${restarts.join(', ')}`);
    console.log(
      `      events: ${sent} accepted (202) in ${streamSeconds.toFixed(0)} s; ${stream.stats.attempts} attempts, ` +
        `${stream.stats.connectionErrors} connection errors, ${stream.stats.unavailable} answered 503`,
    );
    console.log(
      `      findings: ${expectedIds.size} expected, ${stored.ids.length} stored (${stored.unique.size} distinct, ${duplicatesOf(stored.ids)} duplicates), ` +
        `all stored ${(converged.storedAfterMs / 1000).toFixed(1)} s after the stream stopped`,
    );
    console.log(
      `      webhooks: ${receiver.deliveries.length} raw deliveries, ${receiver.uniqueFindingIds().size} distinct finding ids, ` +
        `${receiver.uniqueNotificationIds().size} distinct notification ids, ${duplicatesOf(delivered)} raw duplicates; ` +
        `all delivered ${(converged.deliveredAfterMs / 1000).toFixed(1)} s after the stream stopped`,
    );

    assert.equal(kills.length, ROUNDS * 3);
    assert.deepEqual(storedCheck, { missing: [], unexpected: [] }, 'Elasticsearch holds exactly the expected findings');
    assert.equal(duplicatesOf(stored.ids), 0, 'no finding is stored twice');
    assert.deepEqual(deliveredCheck, { missing: [], unexpected: [] }, 'the webhook got exactly the expected findings (after deduping on the id)');
    assert.equal(receiver.uniqueNotificationIds().size, expectedIds.size, 'one notification id per finding');
  });
});
