import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Finding, severityRank } from '@pipewatch/shared';
import { straceAvailable } from '@pipewatch/forwarder';
import { spawnPipewatch, type RunningChild } from '../helpers/spawn-pipewatch.js';
import { waitFor } from '../helpers/wait-for.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { listen, startSensorFixture, type JobResult, type SensorFixture } from './fixtures/sensor-fixture.js';

const PIPELINE = 'agent:e2e/sensor:build';
const MIN_RUNS = 5;
/** The latency target from an act to its stored finding, on the embedded default. */
const LATENCY_MS = 2000;

describe('runner sensor: pipewatch forward (strace) → pipewatch start, real processes', function () {
  this.timeout(120_000);
  let pipewatch: RunningChild | undefined;
  let dataDir: string;
  let fixture: SensorFixture | undefined;
  /** Stands in for Slack: grouped per run, so it shows whether a streamed finding waits for the window. */
  let slack: WebhookReceiver | undefined;

  before(async function () {
    const probe = await straceAvailable();
    if (!probe.ok) {
      // .ci/run installs strace; a machine without it (or without ptrace) cannot run these.
      console.warn(`strace unavailable: ${probe.reason}`);
      this.skip();
    }
    dataDir = await mkdtemp(join(tmpdir(), 'pipewatch-e2e-sensor-data-'));
    fixture = await startSensorFixture(PIPELINE);
    slack = await startWebhookReceiver();
    pipewatch = await spawnPipewatch(['start'], {
      PIPEWATCH_DATA_DIR: dataDir,
      PIPEWATCH_MIN_RUNS: String(MIN_RUNS),
      PIPEWATCH_SLACK_WEBHOOK_URL: slack.url,
      PIPEWATCH_ALLOW_PRIVATE_DESTINATIONS: 'loopback',
    });
  });

  after(async () => {
    await pipewatch?.stop('SIGKILL');
    await fixture?.close();
    await slack?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const job = (act: string, extra: string[] = [], collector = pipewatch!.url): Promise<JobResult> => fixture!.job(act, collector, extra);

  async function findings(runId?: string): Promise<Finding[]> {
    const text = await readFile(join(dataDir, 'findings.ndjson'), 'utf8').catch(() => '');
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => Finding.parse(JSON.parse(line)))
      .filter((finding) => runId === undefined || finding.run.id === runId);
  }

  async function learnedRuns(): Promise<number> {
    const response = await fetch(`${pipewatch!.url}/v1/pipelines/${encodeURIComponent(PIPELINE)}/baseline`);
    if (response.status !== 200) return 0;
    return ((await response.json()) as { runs: number }).runs;
  }

  it('learns ordinary runs of the job and raises nothing of medium or worse on them', async () => {
    for (let i = 0; i < MIN_RUNS + 2; i++) assert.equal((await job('none')).code, 0);
    await waitFor(async () => (await learnedRuns()) >= MIN_RUNS + 2, 'the ordinary runs learned');
    const loud = (await findings()).filter((finding) => severityRank(finding.severity) >= severityRank('medium'));
    assert.deepEqual(loud.map((finding) => `${finding.rule.id} ${finding.summary}`), []);
    // The sensor named the registry from the DNS answer: the learned destination is the host, not the IP.
    const baseline = (await (await fetch(`${pipewatch!.url}/v1/pipelines/${encodeURIComponent(PIPELINE)}/baseline`)).json()) as { baseline: unknown };
    assert.match(JSON.stringify(baseline.baseline), /registry\.test/);
  });

  const acts: { act: string; rules: string[] }[] = [
    { act: 'curl-env', rules: ['access.egress.unresolved_ip'] },
    { act: 'dropped', rules: ['access.process.dropped'] },
    { act: 'swap-source', rules: ['integrity.source.tampered'] },
    { act: 'memory-read', rules: ['access.runner.memory_read', 'log.encoded_secret'] },
    { act: 'miner', rules: ['access.egress.unresolved_ip'] },
  ];
  for (const { act, rules } of acts) {
    it(`${act}: raises ${rules.join(' and ')} (high or worse) within ${LATENCY_MS} ms of the act, while the job still runs`, async function () {
      if ((await learnedRuns()) < MIN_RUNS) this.skip();
      const result = await job(act);
      assert.equal(result.code, 0, 'the job itself is not failed (no --fail-on)');
      assert.ok(result.actAt, 'the job recorded its act');
      for (const rule of rules) {
        await waitFor(async () => (await findings(result.runId)).some((finding) => finding.rule.id === rule), `${rule} for run ${result.runId}`);
        const found = (await findings(result.runId)).filter((finding) => finding.rule.id === rule);
        const first = found.reduce((a, b) => (a.detected_at <= b.detected_at ? a : b));
        assert.ok(severityRank(first.severity) >= severityRank('high'), `${rule} is ${first.severity}`);
        const latency = Date.parse(first.detected_at) - result.actAt!;
        console.log(`      ${act} → ${rule} ${first.severity} after ${latency} ms (run status ${first.run.status ?? 'n/a'})`);
        assert.ok(latency < LATENCY_MS, `${rule} came ${latency} ms after the act`);
        assert.ok(latency >= 0, 'the finding follows the act');
        // Streamed: judged from a partial observation while the job ran, not from the final run event.
        if (!rule.startsWith('log.')) {
          assert.equal(first.run.status, 'running', `${rule} came from a partial observation`);
          // And it reached a person without waiting for the run's grouping window (2 s).
          const names = (body: string): boolean => body.includes(`run ${result.runId}:`) && body.includes(`\`${rule}\``);
          await waitFor(async () => slack!.received.some((request) => names(request.body)), `the Slack message for ${rule}`);
          const message = slack!.received.find((request) => names(request.body))!;
          const notified = message.at - result.actAt!;
          console.log(`      ${act} → Slack message after ${notified} ms`);
          assert.ok(notified < LATENCY_MS, `the Slack message came ${notified} ms after the act`);
        }
      }
      if (act === 'swap-source') {
        // The final run event knows the file was put back: the SUNSPOT pattern, critical.
        await waitFor(async () => (await findings(result.runId)).some((finding) => finding.rule.id === 'integrity.source.tampered' && finding.severity === 'critical'), 'the restored swap');
      }
    });
  }

  it('--fail-on high stops the job on the finding, with a line naming it, and exits non-zero', async function () {
    if ((await learnedRuns()) < MIN_RUNS) this.skip();
    const result = await job('curl-env', ['--fail-on', 'high']);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /pipewatch: stopping the job on a high finding, access\.egress\.unresolved_ip: Connected to 127\.0\.0\.2/);
    // The job would have gone on for 2.5 s after its act.
    const stoppedAfter = result.endedAt - result.actAt!;
    console.log(`      stopped ${stoppedAfter} ms after the act`);
    assert.ok(stoppedAfter < 2500, `the job ended ${stoppedAfter} ms after the act`);
  });

  it('--fail-on never fails the job when the collector is down', async () => {
    const closed = createServer();
    const port = await listen(closed, '127.0.0.1');
    closed.close();
    await once(closed, 'close');
    const result = await job('curl-env', ['--fail-on', 'low', '--retries', '0', '--timeout-ms', '500', '--flush-timeout-ms', '1000', '--spool-dir', join(fixture!.scratch, 'spool')], `http://127.0.0.1:${port}`);
    assert.equal(result.code, 0);
    assert.doesNotMatch(result.stderr, /stopping the job/);
  });
});
