import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Finding, type RunEvent } from '@pipewatch/shared';
import { verifySignature } from '@pipewatch/alerter';
import { spawnPipewatch, type RunningChild } from '../helpers/spawn-pipewatch.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { waitFor } from '../helpers/wait-for.js';

const PIPELINE = 'github:octo/app:.github/workflows/ci.yml:build';
const PAGER_SECRET = 'e2e-pager-secret-0123456789';
const SLACK_TOKEN = 'e2e-slack-token-do-not-log';

/** Ordinary runs, then run 12: slow, CPU-heavy and talking to a new host on a mining-pool port. */
function run(i: number): RunEvent {
  const anomalous = i === 12;
  return {
    schema: 'pipewatch.run/v1',
    event_id: `alerts-e2e-${i}`,
    source: 'generic',
    occurred_at: new Date(Date.UTC(2026, 10, 1) + i * 600_000).toISOString(),
    pipeline: { id: PIPELINE, repository: 'octo/app', job: 'build' },
    run: { id: `r${i}`, status: 'success', trigger: 'push', url: `https://ci.example.com/octo/app/runs/${i}` },
    resources: { duration_s: anomalous ? 900 : 120 + (i % 4) * 3, cpu_s: anomalous ? 400 : 50 + (i % 3) },
    access: { egress: [{ host: 'registry.npmjs.org', port: 443 }, ...(anomalous ? [{ host: 'pool.evil.example', port: 3333 }] : [])] },
  };
}

async function post(url: string, events: RunEvent[]): Promise<void> {
  const response = await fetch(`${url}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson' },
    body: events.map((event) => JSON.stringify(event)).join('\n'),
  });
  assert.equal(response.status, 202, await response.text());
}

describe('alerts end to end: pipewatch start → Slack and a signed webhook (child process)', function () {
  this.timeout(60_000);
  let dataDir: string;
  let slack: WebhookReceiver;
  let pager: WebhookReceiver;
  let pipewatch: RunningChild | undefined;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pipewatch-alerts-e2e-'));
    [slack, pager] = await Promise.all([startWebhookReceiver(), startWebhookReceiver()]);
  });
  after(async () => {
    await pipewatch?.stop('SIGKILL');
    await Promise.all([slack.close(), pager.close()]);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('turns one run with three findings into exactly one Slack message and one signed run webhook', async () => {
    const routesFile = join(dataDir, 'routes.yaml');
    await writeFile(
      routesFile,
      [
        'destinations:',
        '  security-slack: { kind: slack, url_env: E2E_SLACK_URL }',
        `  pager: { kind: webhook, url: "${pager.url}", secret_env: E2E_PAGER_SECRET, body: run }`,
        'routes:',
        '  - { name: everything medium and up, min_severity: medium, to: [security-slack, pager] }',
        '',
      ].join('\n'),
    );
    pipewatch = await spawnPipewatch(['start'], {
      PIPEWATCH_DATA_DIR: dataDir,
      PIPEWATCH_ROUTES_FILE: routesFile,
      PIPEWATCH_ALLOW_PRIVATE_DESTINATIONS: 'loopback',
      PIPEWATCH_CONSOLE_BASE_URL: 'http://127.0.0.1:8080',
      E2E_SLACK_URL: slack.url.replace(/\/hook$/, `/services/T0/B0/${SLACK_TOKEN}`),
      E2E_PAGER_SECRET: PAGER_SECRET,
    });
    await post(pipewatch.url, Array.from({ length: 12 }, (_, i) => run(i)));
    await post(pipewatch.url, [run(12)]);

    await waitFor(() => slack.received.length >= 1 && pager.received.length >= 1, 'the Slack message and the webhook');
    await waitFor(async () => (await readFile(join(dataDir, 'findings.ndjson'), 'utf8')).trim().split('\n').length === 3, 'three stored findings');
    // Longer than the grouping window: nothing else may follow.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    assert.equal(slack.received.length, 1, 'exactly one Slack message');
    assert.equal(pager.received.length, 1, 'exactly one webhook');

    const stored = (await readFile(join(dataDir, 'findings.ndjson'), 'utf8')).trim().split('\n').map((line) => Finding.parse(JSON.parse(line)));
    assert.deepEqual(stored.map((finding) => finding.rule.id).sort(), ['access.egress.new_host', 'resource.cpu.high', 'resource.duration.high']);
    const ids = stored.map((finding) => finding.finding_id).sort();

    const message = JSON.parse(slack.received[0]!.body) as { text: string; blocks: { type: string; text?: { text: string } }[] };
    assert.equal(message.blocks[0]!.type, 'header');
    assert.match(message.blocks[0]!.text!.text, /3 findings \(high\) in octo\/app build/);
    assert.match(slack.received[0]!.body, /<https:\/\/ci\.example\.com\/octo\/app\/runs\/12\|run r12>/);
    assert.deepEqual([...slack.received[0]!.body.matchAll(/ui\/findings\/([0-9a-f]+)/g)].map((match) => match[1]).sort(), ids);
    assert.match(slack.received[0]!.body, /observed 900 s vs normal/);
    assert.ok(message.text.length > 0);

    const request = pager.received[0]!;
    assert.deepEqual((JSON.parse(request.body) as { findings: Finding[] }).findings.map((finding) => finding.finding_id).sort(), ids);
    assert.equal(
      verifySignature({
        secret: PAGER_SECRET,
        timestamp: String(request.headers['x-pipewatch-timestamp']),
        body: request.body,
        signature: String(request.headers['x-pipewatch-signature']),
      }),
      true,
    );
    assert.ok(!JSON.stringify(pipewatch.logs).includes(SLACK_TOKEN), 'the Slack webhook path never reaches the logs');
    assert.equal(await pipewatch.stop('SIGTERM'), 0);
  });
});
