import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createInMemoryBus, topicNames, type Bus, type Finding, type TopicNames } from '@pipewatch/shared';
import {
  createFileSuppressionStore,
  createNdjsonFileSink,
  createSuppressionCache,
  readFindingsFile,
  readJsonLines,
  redeliverDeadLetters,
  startAlerter,
  verifySignature,
  buildDestinations,
  parseRoutes,
  type Alerter,
} from '../src/index.js';
import { startReceiver, type Receiver, type Responder } from './helpers/http-receiver.js';
import { startNotifier, type Harness } from './helpers/notifier-harness.js';
import { recordingLogger } from './helpers/recording-logger.js';
import { runFindings, PIPELINE_ID } from './helpers/run-findings.js';
import { makeTempDir } from './helpers/temp-dir.js';
import { waitFor } from './helpers/wait-for.js';

const SECRET = 'pager-signing-secret-0123456789';

interface SlackBody {
  text: string;
  blocks: { type: string; text?: { text: string } }[];
}

function findingIdsInSlack(body: string): string[] {
  return [...body.matchAll(/ui\/findings\/([a-z0-9-]+)/g)].map((match) => match[1]!);
}

async function ledgerStates(path: string): Promise<Map<string, string>> {
  const states = new Map<string, string>();
  for await (const line of readJsonLines(path)) {
    const { key, state } = line as { key: string; state: string };
    states.set(key, state);
  }
  return states;
}

describe('notifier: grouping, delivery guarantees, suppression, restarts', function () {
  this.timeout(20_000);
  let dir: Awaited<ReturnType<typeof makeTempDir>>;
  const receivers: Receiver[] = [];
  const running: { close(): Promise<void> }[] = [];

  async function receiver(respond?: Responder): Promise<Receiver> {
    const started = await startReceiver(respond);
    receivers.push(started);
    return started;
  }
  async function notifier(options: Omit<Parameters<typeof startNotifier>[0], 'dir' | 'logger'> & { dir?: string }): Promise<Harness> {
    const harness = await startNotifier({ dir: dir.path, logger: recordingLogger(), ...options });
    running.push(harness.notifier);
    return harness;
  }

  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((item) => item.close().catch(() => undefined)));
    await Promise.all(receivers.splice(0).map((started) => started.close()));
    await dir.remove();
  });

  describe('through the alerter on the in-memory bus', () => {
    let bus: Bus;
    let topics: TopicNames;
    beforeEach(() => {
      bus = createInMemoryBus({ partitions: 4 });
      topics = topicNames(`test-${Math.random().toString(36).slice(2)}.`);
    });
    afterEach(async () => {
      await bus.close();
    });

    const publish = (finding: Finding): Promise<void> => bus.publish(topics.findings, [{ key: finding.pipeline.id, value: JSON.stringify(finding) }]);

    it('groups 3 findings of one run, published separately within the window, into 1 Slack message and 1 signed run webhook', async () => {
      const slack = await receiver();
      const pager = await receiver();
      const audit = await receiver();
      const { notifier: n } = await notifier({
        windowMs: 700,
        routes: `
destinations:
  slack: { kind: slack, url: "${slack.origin}/services/T000/B000/XXXX" }
  pager: { kind: webhook, url: "${pager.origin}/pager", secret: "${SECRET}", body: run }
  audit: { kind: webhook, url: "${audit.origin}/audit" }
default: { to: [slack, pager, audit] }
`,
      });
      const logger = recordingLogger();
      const alerter: Alerter = await startAlerter({
        bus,
        topics,
        logger,
        sinks: [await createNdjsonFileSink({ path: join(dir.path, 'findings.ndjson'), logger })],
        notifier: n,
      });
      running.push(alerter);
      const findings = runFindings('r12');
      for (const finding of findings) {
        await publish(finding);
        await sleep(100);
      }
      await waitFor('the Slack message', () => slack.requests.length === 1 && pager.requests.length === 1 && audit.requests.length === 3);
      await sleep(1_000); // nothing else may follow once the window closed
      assert.equal(slack.requests.length, 1, 'one Slack message for the run');
      assert.equal(pager.requests.length, 1, 'one run-body webhook for the run');
      assert.equal(audit.requests.length, 3, 'the per-finding webhook gets each finding');

      const message = JSON.parse(slack.requests[0]!.body) as SlackBody;
      assert.equal(message.blocks[0]!.type, 'header');
      assert.deepEqual(findingIdsInSlack(slack.requests[0]!.body).sort(), findings.map((f) => f.finding_id).sort());

      const request = pager.requests[0]!;
      const body = JSON.parse(request.body) as { findings: Finding[] };
      assert.deepEqual(body.findings.map((f) => f.finding_id).sort(), findings.map((f) => f.finding_id).sort());
      const signed = {
        secret: SECRET,
        timestamp: String(request.headers['x-pipewatch-timestamp']),
        body: request.body,
        signature: String(request.headers['x-pipewatch-signature']),
      };
      assert.equal(verifySignature(signed), true, 'a good request verifies');
      assert.equal(verifySignature({ ...signed, body: request.body.replace('"critical"', '"low"') }), false, 'a tampered body fails');
      assert.equal(verifySignature({ ...signed, secret: 'not-the-pager-secret-000' }), false, 'a wrong secret fails');
      assert.equal(verifySignature({ ...signed, now: new Date((Number(signed.timestamp) + 301) * 1000) }), false, 'a stale timestamp fails');
      assert.match(String(request.headers['x-pipewatch-notification-id']), /^[0-9a-f]{32}$/);
      assert.equal(alerter.stats().notifications?.claimed, 9);
    });

    it('stores suppressed findings (marked in the ledger) but does not send them; an expired suppression stops applying', async () => {
      const hook = await receiver();
      const { notifier: n, ledgerPath } = await notifier({ windowMs: 0, routes: `destinations: { hook: { kind: webhook, url: "${hook.origin}/hook" } }\ndefault: { to: [hook] }` });
      let now = new Date('2026-11-01T00:00:00Z');
      const store = createFileSuppressionStore({ path: join(dir.path, 'suppressions.json'), now: () => now });
      const suppression = await store.add({
        pipeline: 'github:octo/*',
        rule: 'access.egress.*',
        subject: 'pool.evil.example',
        until: '2026-11-08T00:00:00.000Z',
        reason: 'load test against our own pool',
        author: 'alice',
      });
      const logger = recordingLogger();
      const findingsPath = join(dir.path, 'findings.ndjson');
      const alerter = await startAlerter({
        bus,
        topics,
        logger,
        sinks: [await createNdjsonFileSink({ path: findingsPath, logger })],
        notifier: n,
        suppressions: createSuppressionCache({ store, refreshMs: 0, logger, now: () => now }),
      });
      running.push(alerter);

      const [, , egress] = runFindings('r20');
      await publish(egress!);
      await waitFor('the finding stored', async () => (await readFindingsFile(findingsPath)).length === 1);
      await waitFor('the suppressed claim', async () => (await ledgerStates(ledgerPath)).get(`hook:${egress!.finding_id}`) === 'suppressed');
      assert.equal(alerter.stats().suppressed, 1);

      // A week later the suppression has expired: the same kind of finding is sent again.
      now = new Date('2026-11-08T00:00:01Z');
      const [, , later] = runFindings('r21');
      await publish(later!);
      await waitFor('the webhook', () => hook.requests.length === 1);
      assert.equal(JSON.parse(hook.requests[0]!.body).finding_id, later!.finding_id);
      assert.equal((await readFindingsFile(findingsPath)).length, 2, 'both findings are stored');
      assert.ok((await store.list()).some((item) => item.id === suppression.id), 'expired suppressions stay listed');
    });

    it('does not notify twice when the same finding is redelivered after an alerter restart', async () => {
      const hook = await receiver();
      const routes = `destinations: { hook: { kind: webhook, url: "${hook.origin}/hook", body: run } }\ndefault: { to: [hook] }`;
      const logger = recordingLogger();
      const findingsPath = join(dir.path, 'findings.ndjson');
      const first = await notifier({ windowMs: 100, routes });
      const alerter = await startAlerter({ bus, topics, logger, sinks: [await createNdjsonFileSink({ path: findingsPath, logger })], notifier: first.notifier });
      const findings = runFindings('r30');
      for (const finding of findings) await publish(finding);
      await waitFor('the first notification', () => hook.requests.length === 1);
      await alerter.close();

      const second = await notifier({ windowMs: 100, routes });
      const restarted = await startAlerter({ bus, topics, logger, sinks: [await createNdjsonFileSink({ path: findingsPath, logger })], notifier: second.notifier });
      running.push(restarted);
      for (const finding of findings) await publish(finding);
      await waitFor('the redelivered findings to be handled', () => restarted.stats().findings === 3);
      await sleep(500);
      assert.equal(hook.requests.length, 1, 'no second notification');
      assert.equal(restarted.stats().notifications?.duplicates, 3);
    });
  });

  it('sends a high finding raised while the job runs at once, without waiting for the window; the rest of its run still groups', async () => {
    const hook = await receiver();
    const routes = `destinations: { hook: { kind: webhook, url: "${hook.origin}/hook", body: run } }\ndefault: { to: [hook] }`;
    const { notifier: n } = await notifier({ windowMs: 5_000, routes });
    const [slow, cpu, egress] = runFindings('r30');
    const streamed = { ...egress!, finding_id: 'r30-streamed', severity: 'high' as const, run: { ...egress!.run, status: 'running' as const } };
    const started = Date.now();
    await n.accept(streamed);
    await waitFor('the urgent notification', () => hook.requests.length === 1, 2_000);
    const urgentAfter = Date.now() - started;
    assert.ok(urgentAfter < 1_000, `sent ${urgentAfter} ms after it was accepted, with a 5 s window`);
    assert.deepEqual((JSON.parse(hook.requests[0]!.body) as { findings: Finding[] }).findings.map((f) => f.finding_id), ['r30-streamed']);
    // The final event's findings of the same run wait for their window, and go out together.
    await n.accept(slow!);
    await n.accept(cpu!);
    await sleep(500);
    assert.equal(hook.requests.length, 1, 'findings of the finished run wait for the window');
    // A medium finding while the job runs is not urgent either.
    const mediumRunning = { ...cpu!, finding_id: 'r31-medium', run: { ...cpu!.run, id: 'r31', status: 'running' as const } };
    await n.accept(mediumRunning);
    await sleep(300);
    assert.equal(hook.requests.length, 1, 'a medium streamed finding waits for its window');
  });

  it('delivers exactly once to a receiver that answers 500 five times, then 200', async () => {
    const hook = await receiver((_request, index) => (index < 5 ? 500 : 200));
    const { notifier: n, ledgerPath } = await notifier({ windowMs: 0, retries: 6, routes: `destinations: { hook: { kind: webhook, url: "${hook.origin}/hook" } }\ndefault: { to: [hook] }` });
    const [finding] = runFindings('r40');
    await n.accept(finding!);
    await waitFor('the 200', () => hook.statuses.includes(200));
    await sleep(300);
    assert.deepEqual(hook.statuses, [500, 500, 500, 500, 500, 200]);
    assert.equal(n.stats().channels.hook!.sent, 1);
    await waitFor('the ledger entry', async () => (await ledgerStates(ledgerPath)).get(`hook:${finding!.finding_id}`) === 'sent');
  });

  it('dead-letters a notification once a down receiver used up the budget, and redelivery sends it once it is back', async () => {
    const gone = await startReceiver();
    await gone.close();
    const routes = `destinations: { hook: { kind: webhook, url: "${gone.origin}/hook", body: run } }\ndefault: { to: [hook] }`;
    const { notifier: n, deadLetters, ledgerPath } = await notifier({ windowMs: 50, retries: 2, routes });
    const findings = runFindings('r50');
    for (const finding of findings) await n.accept(finding);
    await waitFor('the dead letter', async () => (await deadLetters.outstanding()).length === 1);
    const [record] = await deadLetters.outstanding();
    assert.equal(record!.destination, 'hook');
    assert.equal(record!.attempts, 3);
    assert.equal(record!.error.code, 'webhook_unreachable');
    assert.deepEqual(record!.findings.map((f) => f.finding_id).sort(), findings.map((f) => f.finding_id).sort());
    const states = await ledgerStates(ledgerPath);
    assert.ok(findings.every((finding) => states.get(`hook:${finding.finding_id}`) === 'dead'));

    // The receiver comes back; redelivery sends the record once and marks it.
    const back = await receiver();
    const destinations = buildDestinations(parseRoutes(routes.replace(gone.origin, back.origin)), { timeoutMs: 2_000, retries: 1, minDelayMs: 10, maxDelayMs: 20 });
    const send = { policy: 'loopback' as const, links: {} };
    const outcomes = await redeliverDeadLetters({ store: deadLetters, destinations, send, logger: recordingLogger() });
    assert.deepEqual(outcomes.map((outcome) => outcome.result), ['delivered']);
    assert.equal(back.requests.length, 1);
    assert.equal((JSON.parse(back.requests[0]!.body) as { findings: Finding[] }).findings.length, 3);
    assert.deepEqual(await deadLetters.outstanding(), []);
    assert.deepEqual(await redeliverDeadLetters({ store: deadLetters, destinations, send, logger: recordingLogger() }), []);
    assert.equal(back.requests.length, 1, 'a second redelivery sends nothing');
  });

  it('keeps destinations independent: one that hangs does not delay another', async () => {
    const stuck = await receiver(() => 'hang');
    const fine = await receiver();
    const { notifier: n } = await notifier({
      windowMs: 0,
      retries: 5,
      timeoutMs: 3_000,
      routes: `destinations:\n  stuck: { kind: webhook, url: "${stuck.origin}/hook" }\n  fine: { kind: webhook, url: "${fine.origin}/hook" }\ndefault: { to: [stuck, fine] }`,
    });
    const started = Date.now();
    for (const finding of runFindings('r60')) await n.accept(finding);
    await waitFor('the healthy destination', () => fine.requests.length === 3, 2_000);
    assert.ok(Date.now() - started < 1_000, `the healthy destination got everything in ${Date.now() - started} ms`);
    assert.equal(stuck.requests.length, 1, 'the stuck one is still on its first request');
  });

  it('applies a per-destination rate limit', async () => {
    const hook = await receiver();
    const times: number[] = [];
    const timed = await receiver(() => {
      times.push(Date.now());
      return 200;
    });
    const { notifier: n } = await notifier({
      windowMs: 0,
      routes: `destinations:\n  slow: { kind: webhook, url: "${timed.origin}/hook", rate_limit: { limit: 1, interval_ms: 300 } }\n  fast: { kind: webhook, url: "${hook.origin}/hook" }\ndefault: { to: [slow, fast] }`,
    });
    for (const finding of [...runFindings('r70'), ...runFindings('r71').slice(0, 1)]) await n.accept(finding);
    await waitFor('the fast destination', () => hook.requests.length === 4, 1_000);
    await waitFor('all four rate-limited requests', () => times.length === 4, 5_000);
    assert.ok(times[3]! - times[0]! >= 800, `4 requests at 1 per 300 ms took ${times[3]! - times[0]!} ms`);
  });

  it('does not lose a group when the process dies inside the grouping window: the next start sends it', async () => {
    const hook = await receiver();
    const routes = `destinations: { hook: { kind: webhook, url: "${hook.origin}/hook", body: run } }\ndefault: { to: [hook] }`;
    const first = await notifier({ windowMs: 60_000, routes });
    const findings = runFindings('r80');
    for (const finding of findings) await first.notifier.accept(finding);
    await first.notifier.abort(); // as a crash: the window never closes, nothing is sent
    assert.equal(hook.requests.length, 0);

    const second = await notifier({ windowMs: 100, routes });
    await waitFor('the resumed notification', () => hook.requests.length === 1);
    assert.equal(second.notifier.stats().resumed, 3);
    const body = JSON.parse(hook.requests[0]!.body) as { findings: Finding[] };
    assert.deepEqual(body.findings.map((f) => f.finding_id).sort(), findings.map((f) => f.finding_id).sort());
    assert.equal(body.findings[0]!.pipeline.id, PIPELINE_ID);
  });
});
