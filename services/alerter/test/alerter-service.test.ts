import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  DEAD_LETTER_HEADERS,
  createInMemoryBus,
  topicNames,
  type Bus,
  type IncomingMessage,
  type Subscription,
  type Finding,
  type TopicNames,
} from '@pipewatch/shared';
import { createNdjsonFileSink, createWebhookSink, readFindingsFile, startAlerter, type Alerter } from '../src/index.js';
import { startReceiver, type Receiver, type Responder } from './helpers/http-receiver.js';
import { makeFinding } from './helpers/make-finding.js';
import { recordingLogger } from './helpers/recording-logger.js';
import { makeTempDir } from './helpers/temp-dir.js';
import { waitFor } from './helpers/wait-for.js';

const retry = { retries: 3, minDelayMs: 10, maxDelayMs: 40 };

describe('alerter service on the in-memory bus', () => {
  let bus: Bus;
  let topics: TopicNames;
  let dir: Awaited<ReturnType<typeof makeTempDir>>;
  let dlqSubscription: Subscription;
  let deadLetters: IncomingMessage[];
  const receivers: Receiver[] = [];
  const alerters: Alerter[] = [];

  async function receiver(respond?: Responder): Promise<Receiver> {
    const started = await startReceiver(respond);
    receivers.push(started);
    return started;
  }

  function publishFinding(value: unknown): Promise<void> {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return bus.publish(topics.findings, [{ key: 'github:octo/app:.github/workflows/ci.yml:build', value: text }]);
  }

  beforeEach(async () => {
    bus = createInMemoryBus({ partitions: 4 });
    topics = topicNames(`test-${Math.random().toString(36).slice(2)}.`);
    dir = await makeTempDir();
    deadLetters = [];
    dlqSubscription = await bus.subscribe({
      topic: topics.deadLetter,
      group: 'test-dlq-reader',
      deadLetterTopic: `${topics.deadLetter}.unused`,
      handler: async (message) => {
        deadLetters.push(message);
      },
    });
  });

  afterEach(async () => {
    await Promise.all(alerters.splice(0).map((alerter) => alerter.close()));
    await dlqSubscription.close();
    await bus.close();
    await Promise.all(receivers.splice(0).map((started) => started.close()));
    await dir.remove();
  });

  it('delivers a published finding to the webhook receiver and the findings file', async () => {
    const hook = await receiver();
    const path = join(dir.path, 'findings.ndjson');
    const logger = recordingLogger();
    const alerter = await startAlerter({
      bus,
      topics,
      logger,
      sinks: [
        await createNdjsonFileSink({ path, logger }),
        createWebhookSink({ addressPolicy: 'loopback', url: `${hook.origin}/hook`, secret: 'alerter-test-secret', timeoutMs: 2_000, retry, logger }),
      ],
    });
    alerters.push(alerter);

    const finding = makeFinding();
    await publishFinding(finding);
    await waitFor('the webhook delivery', () => hook.statuses.includes(200));
    await waitFor('the file line', async () => (await readFindingsFile(path)).length === 1);

    assert.deepEqual(JSON.parse(hook.requests[0]!.body), finding);
    assert.deepEqual(await readFindingsFile(path), [finding]);
    assert.equal(alerter.stats().findings, 1);
    assert.equal(deadLetters.length, 0);
  });

  it('dead-letters garbage and invalid findings with a reason, and the next good finding still gets through', async () => {
    const hook = await receiver();
    const logger = recordingLogger();
    const alerter = await startAlerter({
      bus,
      topics,
      logger,
      sinks: [createWebhookSink({ addressPolicy: 'loopback', url: `${hook.origin}/hook`, timeoutMs: 2_000, retry, logger })],
    });
    alerters.push(alerter);

    await publishFinding('this is {not json');
    const { score: _dropped, ...withoutScore } = makeFinding();
    await publishFinding(withoutScore);
    await waitFor('two dead letters', () => deadLetters.length === 2);

    const byCode = new Map(deadLetters.map((message) => [message.headers[DEAD_LETTER_HEADERS.code], message]));
    const garbage = byCode.get('undecodable');
    const invalid = byCode.get('invalid_finding');
    assert.ok(garbage, 'garbage is dead-lettered as undecodable');
    assert.equal(garbage.value, 'this is {not json');
    assert.ok(garbage.headers['pipewatch-dlq-reason'], 'it carries a reason');
    assert.equal(garbage.headers[DEAD_LETTER_HEADERS.topic], topics.findings);
    assert.ok(invalid, 'a schema-invalid finding is dead-lettered as invalid_finding');
    assert.match(invalid.headers['pipewatch-dlq-reason'] ?? '', /score/);
    assert.equal(hook.requests.length, 0);

    const good = makeFinding();
    await publishFinding(good);
    await waitFor('the good finding', () => hook.statuses.includes(200));
    assert.equal(hook.requests.length, 1);
    assert.equal(hook.requests[0]!.headers['x-pipewatch-finding-id'], good.finding_id);
    assert.equal(alerter.stats().invalid, 2);
  });

  it('on redelivery after one sink failed, does not re-send to the sink that already succeeded', async () => {
    const steady = await receiver(() => 200);
    const flaky = await receiver((_request, index) => (index < 2 ? 503 : 200));
    const logger = recordingLogger();
    // No retries inside the sink: the failure reaches the bus, which redelivers.
    const noRetry = { retries: 0, minDelayMs: 10, maxDelayMs: 10 };
    const alerter = await startAlerter({
      bus,
      topics,
      logger,
      redelivery: { retries: 0, minDelayMs: 10, maxDelayMs: 20 },
      sinks: [
        createWebhookSink({ addressPolicy: 'loopback', name: 'steady', url: `${steady.origin}/hook`, timeoutMs: 2_000, retry: noRetry, logger }),
        createWebhookSink({ addressPolicy: 'loopback', name: 'flaky', url: `${flaky.origin}/hook`, timeoutMs: 2_000, retry: noRetry, logger }),
      ],
    });
    alerters.push(alerter);

    await publishFinding(makeFinding());
    await waitFor('the flaky sink to succeed', () => alerter.stats().delivered.flaky === 1);

    assert.deepEqual(flaky.statuses, [503, 503, 200]);
    assert.deepEqual(steady.statuses, [200]);
    const stats = alerter.stats();
    assert.deepEqual(stats.delivered, { steady: 1, flaky: 1 });
    assert.deepEqual(stats.failed, { flaky: 2 });
    assert.equal(deadLetters.length, 0);
  });

  it('dead-letters a finding a receiver rejects for good, naming the sink and status', async () => {
    const hook = await receiver(() => 422);
    const logger = recordingLogger();
    const alerter = await startAlerter({
      bus,
      topics,
      logger,
      sinks: [createWebhookSink({ addressPolicy: 'loopback', name: 'siem', url: `${hook.origin}/hook`, timeoutMs: 2_000, retry, logger })],
    });
    alerters.push(alerter);

    await publishFinding(makeFinding());
    await waitFor('the dead letter', () => deadLetters.length === 1);
    assert.equal(hook.requests.length, 1);
    assert.equal(deadLetters[0]!.headers[DEAD_LETTER_HEADERS.code], 'sink_rejected');
    assert.match(deadLetters[0]!.headers[DEAD_LETTER_HEADERS.reason] ?? '', /siem: .*422/);
  });

  it('stores a fetched batch with one write per sink and dead-letters only its invalid finding', async () => {
    const writes: string[][] = [];
    const sink = { name: 'counting', write: async (findings: Finding[]) => void writes.push(findings.map((finding) => finding.finding_id)) };
    const good = [makeFinding(), makeFinding(), makeFinding()];
    // Published before the alerter starts, so its first fetch holds all four.
    await bus.publish(
      topics.findings,
      [good[0], { not: 'a finding' }, good[1], good[2]].map((value) => ({ key: 'github:octo/app:.github/workflows/ci.yml:build', value: JSON.stringify(value) })),
    );
    const alerter = await startAlerter({ bus, topics, logger: recordingLogger(), sinks: [sink] });
    alerters.push(alerter);

    await waitFor('the findings stored and the bad one dead-lettered', () => writes.flat().length === 3 && deadLetters.length === 1);
    assert.deepEqual(writes, [good.map((finding) => finding.finding_id)]);
    assert.equal(deadLetters[0]!.headers[DEAD_LETTER_HEADERS.code], 'invalid_finding');
    assert.deepEqual(JSON.parse(String(deadLetters[0]!.value)), { not: 'a finding' });
    assert.equal(alerter.stats().findings, 3);
    assert.equal(alerter.stats().invalid, 1);
  });
});
