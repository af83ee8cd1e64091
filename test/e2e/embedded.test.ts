import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Finding, type RunEvent } from '@pipewatch/shared';
import { verifySignature } from '@pipewatch/alerter';
import { spawnPipewatch, type RunningChild } from '../helpers/spawn-pipewatch.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { waitFor } from '../helpers/wait-for.js';

const SECRET = 'e2e-signing-secret-0123456789';
const PIPELINE = 'github:octo/app:.github/workflows/ci.yml:build';

function run(i: number, durationS: number): RunEvent {
  return {
    schema: 'pipewatch.run/v1',
    event_id: `e2e-${i}`,
    source: 'generic',
    occurred_at: new Date(Date.UTC(2026, 10, 1) + i * 600_000).toISOString(),
    pipeline: { id: PIPELINE, repository: 'octo/app' },
    run: { id: `r${i}`, status: 'success', trigger: 'push' },
    resources: { duration_s: durationS, cpu_s: 50 + (i % 3) },
  };
}

async function post(url: string, events: RunEvent[]): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${url}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson' },
    body: events.map((event) => JSON.stringify(event)).join('\n'),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function findingsFrom(receiver: WebhookReceiver): Finding[] {
  return receiver.received.map((request) => Finding.parse(JSON.parse(request.body)));
}

describe('pipewatch start (embedded default, child process)', function () {
  this.timeout(60_000);
  let dataDir: string;
  let receiver: WebhookReceiver;
  let pipewatch: RunningChild | undefined;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pipewatch-e2e-'));
    receiver = await startWebhookReceiver();
  });
  afterEach(async () => {
    await pipewatch?.stop('SIGKILL');
  });
  after(async () => {
    await receiver.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const env = () => ({
    PIPEWATCH_DATA_DIR: dataDir,
    PIPEWATCH_WEBHOOK_URL: receiver.url,
    PIPEWATCH_WEBHOOK_SECRET: SECRET,
    PIPEWATCH_ALLOW_PRIVATE_DESTINATIONS: 'loopback',
  });

  it('turns an anomalous run after a baseline into a signed webhook and a findings file line', async () => {
    pipewatch = await spawnPipewatch(['start'], env());
    assert.match(pipewatch.url, /^http:\/\/127\.0\.0\.1:\d+$/, 'binds to loopback without tokens');
    const baseline = Array.from({ length: 12 }, (_, i) => run(i, 120 + (i % 4) * 3));
    const accepted = await post(pipewatch.url, baseline);
    assert.equal(accepted.status, 202);
    assert.equal(accepted.body.accepted, 12);

    assert.equal((await post(pipewatch.url, [run(12, 900)])).status, 202);
    await waitFor(() => receiver.received.length >= 1, 'the webhook');
    const [finding] = findingsFrom(receiver);
    assert.equal(finding!.rule.id, 'resource.duration.high');
    assert.equal(finding!.run.id, 'r12');
    assert.deepEqual(finding!.event_ids, ['e2e-12']);
    const request = receiver.received[0]!;
    assert.equal(
      verifySignature({
        secret: SECRET,
        timestamp: String(request.headers['x-pipewatch-timestamp']),
        body: request.body,
        signature: String(request.headers['x-pipewatch-signature']),
        toleranceSeconds: 300,
        now: new Date(),
      }),
      true,
    );

    const lines = (await readFile(join(dataDir, 'findings.ndjson'), 'utf8')).trim().split('\n');
    assert.deepEqual(lines.map((line) => Finding.parse(JSON.parse(line)).finding_id), [finding!.finding_id]);
    assert.equal(await pipewatch.stop('SIGTERM'), 0, 'a graceful stop exits 0');
  });

  it('keeps the baseline across a restart: the next anomaly is judged without re-learning', async () => {
    pipewatch = await spawnPipewatch(['start'], env());
    const before = receiver.received.length;
    // One run, straight after the restart: with a fresh baseline this would only be "learning".
    assert.equal((await post(pipewatch.url, [run(13, 1500)])).status, 202);
    await waitFor(() => receiver.received.length > before, 'a finding after the restart');
    const latest = findingsFrom(receiver).at(-1)!;
    assert.equal(latest.rule.id, 'resource.duration.high');
    assert.equal(latest.run.id, 'r13');
    assert.equal((latest.evidence as { baseline: { n: number } }).baseline.n, 12);
    assert.ok(pipewatch.logs.some((record) => record.message === 'embedded pipeline ready' && record.baselines === 1));
  });
});
