import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding } from '@pipewatch/shared';
import { spawnPipewatch, type RunningChild } from '../helpers/spawn-pipewatch.js';
import { waitFor } from '../helpers/wait-for.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { checkLeaks, filesText, receiverText, sendPlanned } from './secrets/leak-check.js';
import { secretTraffic } from './secrets/secret-traffic.js';

const TOKEN = `ingest-${randomBytes(12).toString('hex')}`;
const GITHUB_SECRET = `github-${randomBytes(12).toString('hex')}`;
const GITLAB_TOKEN = `gitlab-${randomBytes(12).toString('hex')}`;
const SLACK_PATH_TOKEN = randomBytes(12).toString('hex');

describe('planted secrets through `pipewatch start` (embedded, child process, debug logs)', function () {
  this.timeout(120_000);
  const tag = randomBytes(3).toString('hex');
  const traffic = secretTraffic(tag, { githubSecret: GITHUB_SECRET });
  let dataDir: string;
  let webhook: WebhookReceiver;
  let slack: WebhookReceiver;
  let pipewatch: RunningChild | undefined;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pipewatch-leaks-'));
    [webhook, slack] = await Promise.all([startWebhookReceiver(), startWebhookReceiver()]);
  });
  after(async () => {
    await pipewatch?.stop('SIGKILL');
    await Promise.all([webhook.close(), slack.close()]);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('no planted secret reaches the logs, the findings and data files, the notifications or the HTTP answers', async () => {
    pipewatch = await spawnPipewatch(['start'], {
      PIPEWATCH_DATA_DIR: dataDir,
      PIPEWATCH_HOST: '127.0.0.1',
      PIPEWATCH_LOG_LEVEL: 'debug',
      PIPEWATCH_INGEST_TOKENS: TOKEN,
      PIPEWATCH_GITHUB_WEBHOOK_SECRET: GITHUB_SECRET,
      PIPEWATCH_GITLAB_WEBHOOK_TOKEN: GITLAB_TOKEN,
      PIPEWATCH_SECRET_NAMES: traffic.knownSecretName,
      [traffic.knownSecretName]: traffic.knownSecretValue,
      PIPEWATCH_WEBHOOK_URL: webhook.url,
      PIPEWATCH_WEBHOOK_SECRET: 'leak-test-signing-secret-0123',
      PIPEWATCH_SLACK_WEBHOOK_URL: slack.url.replace(/\/hook$/, `/services/T0/B0/${SLACK_PATH_TOKEN}`),
      PIPEWATCH_ALLOW_PRIVATE_DESTINATIONS: 'loopback',
      PIPEWATCH_GROUP_WINDOW_MS: '300',
    });
    const answers = await sendPlanned(pipewatch.url, traffic.requests, { token: TOKEN, gitlabToken: GITLAB_TOKEN });

    const findingsFile = join(dataDir, 'findings.ndjson');
    let latest: Finding[] = [];
    const wanted = ['log.encoded_secret', 'context.untrusted_code.secrets', 'access.egress.new_host', 'log.pipe_to_shell'];
    await waitFor(
      async () => {
        latest = await readFindings(findingsFile);
        return wanted.every((rule) => latest.some((finding) => finding.rule.id === rule));
      },
      `findings ${wanted.join(', ')}`,
      60_000,
    ).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}; got ${latest.map((finding) => finding.rule.id).join(', ')}`);
    });
    await waitFor(() => webhook.received.length >= latest.length && slack.received.length >= 2, 'webhook and Slack notifications', 30_000);
    // Longer than the grouping window: every notification has gone out.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    assert.equal(await pipewatch.stop('SIGTERM'), 0);

    const rows = checkLeaks(
      `embedded: ${traffic.needles.length} planted strings, ${latest.length} findings, ${webhook.received.length} webhooks, ${slack.received.length} Slack messages`,
      {
        'stderr (debug logs)': JSON.stringify(pipewatch.logs),
        'findings file': await readFile(findingsFile, 'utf8'),
        'data dir (baselines, ledger, all files)': await filesText(dataDir),
        'webhook notifications': receiverText(webhook),
        'Slack notifications': receiverText(slack),
        'HTTP answers': answers.join('\n'),
        'control, must hold them all: requests as sent': traffic.requests.map((request) => `${request.path} ${request.body}`).join('\n'),
      },
      traffic.needles,
    );
    const control = rows.pop()!;
    assert.equal(control.leaked.length, traffic.needles.filter((needle) => !needle.derived).length, 'every planted string is in what was sent (the search works)');
    for (const row of rows) assert.deepEqual(row.leaked, [], `${row.sink} leaked`);
    const encoded = latest.find((finding) => finding.rule.id === 'log.encoded_secret')!;
    assert.match(JSON.stringify(encoded.evidence), /<base64, \d+ chars>/, 'the evidence names the blob by its length only');
  });
});

async function readFindings(path: string): Promise<Finding[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Finding);
}
