import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LogBatch, RunEvent } from '@pipewatch/shared';
import { collectLogs, collectRuns, type Collected } from './helpers/collect-messages.js';
import { startCollector, type Harness } from './helpers/collector-harness.js';
import { githubHeaders } from './helpers/github-delivery.js';
import { copyOf, githubExamples } from './helpers/github-examples.js';
import { toNdjson, validRunEvent } from './helpers/run-event.js';

const KNOWN = 'Pr0d-Vault-Unseal-2025';
const GITHUB_SECRET = 'gh-webhook-secret-7f3a9c';
const PEM_BODY = [
  'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun',
  'VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK',
  'LxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo',
];

interface Planted {
  format: string;
  /** The log text, one or more lines. */
  text: string;
  /** Strings that must not reach the bus. */
  secrets: string[];
  /** Secrets the collector should count here. */
  count: number;
  /** A benign part of the text that must survive. */
  context: string;
}

/** One of every format pipewatch promises to redact, each inside ordinary log text. */
const PLANTED: Planted[] = [
  { format: 'GitHub ghp_', text: 'git remote set-url origin https://x:ghp_R8x2Kq9ZpL4mW7vB3nT6yH1cF5dJ0sAeGuQi@github.com/octo/app', secrets: ['ghp_R8x2Kq9ZpL4mW7vB3nT6yH1cF5dJ0sAeGuQi'], count: 1, context: 'git remote set-url origin' },
  { format: 'GitHub gho_', text: 'using oauth token gho_16C7e42F292c6912E7710c838347Ae178B4a for the API', secrets: ['gho_16C7e42F292c6912E7710c838347Ae178B4a'], count: 1, context: 'for the API' },
  { format: 'GitHub ghs_', text: 'GITHUB_TOKEN=ghs_1a2B3c4D5e6F7g8H9i0J1k2L3m4N5o6P7q8R', secrets: ['ghs_1a2B3c4D5e6F7g8H9i0J1k2L3m4N5o6P7q8R'], count: 1, context: 'GITHUB_TOKEN=' },
  {
    format: 'GitHub github_pat_',
    text: 'echo github_pat_11ABCDEFG0abcdefghijkl_MNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ | gh auth login --with-token',
    secrets: ['github_pat_11ABCDEFG0abcdefghijkl_MNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ', 'MNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ'],
    count: 1,
    context: 'gh auth login --with-token',
  },
  { format: 'AWS access key id', text: '[INFO] Using AWS credentials AKIA2OGYBAH6QZ7XW4NL for s3://artifacts', secrets: ['AKIA2OGYBAH6QZ7XW4NL'], count: 1, context: 's3://artifacts' },
  {
    format: 'AWS secret access key (env)',
    text: 'export AWS_SECRET_ACCESS_KEY="wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq8Xw3Lr9vT2" && aws s3 sync dist/ s3://site',
    secrets: ['wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq8Xw3Lr9vT2'],
    count: 1,
    context: 'aws s3 sync dist/ s3://site',
  },
  {
    format: 'AWS secret access key (STS JSON)',
    text: '    "SecretAccessKey": "9drTJvcXLB89rqLB8923FB892xMFI/aBcDeQw7Zx",',
    secrets: ['9drTJvcXLB89rqLB8923FB892xMFI/aBcDeQw7Zx'],
    count: 1,
    context: 'SecretAccessKey',
  },
  { format: 'Slack token', text: 'notify: posting with xoxb-2836482734-1597534862158-q8WmZr2LbT6vY1pKx3NcH9sD to #builds', secrets: ['q8WmZr2LbT6vY1pKx3NcH9sD'], count: 1, context: 'to #builds' },
  {
    format: 'Slack webhook',
    text: 'curl -X POST https://hooks.slack.com/services/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 -d @payload.json',
    secrets: ['Rk9xYm2VqL7pZt4WnH8sJ3cF'],
    count: 1,
    context: '-d @payload.json',
  },
  {
    format: 'JWT',
    text: 'received OIDC id eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJyZXBvOm9jdG8vYXBwOnJlZjpyZWZzL2hlYWRzL21haW4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c from the runner',
    secrets: ['eyJzdWIiOiJyZXBvOm9jdG8vYXBwOnJlZjpyZWZzL2hlYWRzL21haW4ifQ', 'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c'],
    count: 1,
    context: 'from the runner',
  },
  {
    format: 'private key block (many lines)',
    text: ['$ cat ~/.ssh/deploy_key', '-----BEGIN RSA PRIVATE KEY-----', ...PEM_BODY, '-----END RSA PRIVATE KEY-----'].join('\n'),
    secrets: PEM_BODY,
    count: 1,
    context: '$ cat ~/.ssh/deploy_key',
  },
  { format: 'npm token', text: 'echo "//registry.npmjs.org/:_authToken=npm_Xy7Kq2Wm9Lp4Zr8Vt3Nb6Hc1Fd5Js0GaQe2R" >> .npmrc', secrets: ['npm_Xy7Kq2Wm9Lp4Zr8Vt3Nb6Hc1Fd5Js0GaQe2R'], count: 1, context: '>> .npmrc' },
  { format: 'password= assignment', text: 'psql "host=db DB_PASSWORD=q8Xz!m2Lr9vT sslmode=require"', secrets: ['q8Xz!m2Lr9vT'], count: 1, context: 'sslmode=require' },
  { format: 'token= assignment', text: 'deploy --token=9f86d081884c7d659a2feaa0c55ad015 --verbose', secrets: ['9f86d081884c7d659a2feaa0c55ad015'], count: 1, context: '--verbose' },
  { format: 'Bearer header', text: 'curl -H "Authorization: Bearer 7c2d9e4a1b8f3c6d0a5e9b2c7d1f4a8e" https://api.example.com', secrets: ['7c2d9e4a1b8f3c6d0a5e9b2c7d1f4a8e'], count: 1, context: 'https://api.example.com' },
  { format: 'URL credentials', text: 'git clone https://deploy-bot:s3cr3tPassw0rd@git.example.com/group/app.git', secrets: ['s3cr3tPassw0rd'], count: 1, context: 'git.example.com/group/app.git' },
  { format: 'GitLab token', text: 'GITLAB_API=glpat-Xq7vR2mK9pLz4Wn8Ty3B ./release.sh', secrets: ['glpat-Xq7vR2mK9pLz4Wn8Ty3B'], count: 1, context: './release.sh' },
  { format: 'Basic auth header', text: 'Authorization: Basic ZGVwbG95LWJvdDpzM2NyM3RQYXNzdzByZA==', secrets: ['ZGVwbG95LWJvdDpzM2NyM3RQYXNzdzByZA'], count: 1, context: 'Authorization: Basic' },
  { format: 'known secret value', text: `vault operator unseal ${KNOWN}`, secrets: [KNOWN], count: 1, context: 'vault operator unseal' },
  {
    format: 'known secret value, base64-encoded',
    text: `echo ${Buffer.from(KNOWN).toString('base64')} | base64 -d`,
    secrets: [Buffer.from(KNOWN).toString('base64').replace(/=+$/, '')],
    count: 1,
    context: '| base64 -d',
  },
];

const ALL_SECRETS = PLANTED.flatMap((item) => item.secrets);
const PIPELINE = 'github:octo/app:.github/workflows/ci.yml:build';

function assertNoSecret(messages: ReadonlyArray<{ key: string; value: string }>): void {
  assert.ok(messages.length > 0, 'something was published');
  for (const message of messages) {
    for (const secret of ALL_SECRETS) {
      assert.ok(!message.value.includes(secret) && !message.key.includes(secret), `secret ${secret.slice(0, 8)}… reached the bus`);
    }
  }
}

describe('redaction before publishing', () => {
  let harness: Harness;
  let logs: Collected;
  let runs: Collected;

  beforeEach(async () => {
    harness = await startCollector({ knownSecretValues: [KNOWN], github: { secret: GITHUB_SECRET } });
    logs = await collectLogs(harness.bus, harness.topics);
    runs = await collectRuns(harness.bus, harness.topics);
  });
  afterEach(async () => {
    await logs.close();
    await runs.close();
    await harness.close();
  });

  it('lets no planted secret of any format through a text/plain upload, counts each, and keeps the text around them', async () => {
    const body = PLANTED.map((item) => item.text).join('\n');
    const response = await harness.post(`/v1/logs?pipeline=${encodeURIComponent(PIPELINE)}&run=r1&step=deploy`, body, 'text/plain');
    assert.equal(response.status, 202);
    const answer = (await response.json()) as { event_id: string; redactions: number; lines: number; redactions_by_kind: Record<string, number> };
    assert.equal(answer.redactions, PLANTED.reduce((sum, item) => sum + item.count, 0));
    assert.equal(answer.redactions_by_kind.private_key, 1);
    assert.equal(answer.redactions_by_kind.known_value, 2);
    const message = await logs.waitForEvent(answer.event_id);
    assertNoSecret([message]);
    const batch = LogBatch.parse(JSON.parse(message.value));
    assert.equal(batch.lines.length, body.split('\n').length, 'one published line per text line');
    const published = batch.lines.map((line) => line.text).join('\n');
    for (const item of PLANTED) assert.ok(published.includes(item.context), `${item.format}: "${item.context}" survives`);
  });

  it('lets no planted secret through NDJSON batches, in lines or step names', async () => {
    const batches = PLANTED.map((item, i) => ({
      schema: 'pipewatch.log/v1',
      event_id: `planted-${i}-${randomUUID()}`,
      source: 'agent',
      pipeline: { id: PIPELINE },
      run: { id: 'r2' },
      step: i === 0 ? `deploy with ${KNOWN}` : `step ${i}`,
      lines: item.text.split('\n').map((text, n) => ({ text, ts: `2025-03-01T12:00:0${n}Z`, stream: 'stdout' })),
    }));
    const response = await harness.post('/v1/logs', toNdjson(batches), 'application/x-ndjson');
    assert.equal(response.status, 202);
    const answer = (await response.json()) as { accepted: number; redactions: number };
    assert.equal(answer.accepted, PLANTED.length);
    assert.equal(answer.redactions, PLANTED.reduce((sum, item) => sum + item.count, 0) + 1);
    for (const batch of batches) await logs.waitForEvent(batch.event_id);
    assertNoSecret(logs.messages);
    const first = LogBatch.parse(JSON.parse(logs.messages[0]!.value));
    assert.equal(first.step, 'deploy with [REDACTED]');
    assert.equal(first.lines[0]!.ts, '2025-03-01T12:00:00Z', 'timestamps and streams are kept');

    const metrics = await (await fetch(`${harness.url}/metrics`)).text();
    assert.match(metrics, /^pipewatch_collector_redactions_total\{stream="logs",kind="private_key"\} 1$/m);
  });

  it('lets no planted secret through run event attributes and step names on /v1/events', async () => {
    const attributes = Object.fromEntries(PLANTED.map((item, i) => [`note_${i}`, item.text]));
    const event = validRunEvent({
      pipeline: { id: PIPELINE },
      attributes: { ...attributes, retries: 2, cached: true },
      steps: PLANTED.slice(0, 5).map((item) => ({ name: item.text, duration_s: 1 })),
    });
    const response = await harness.post('/v1/events', JSON.stringify(event));
    assert.equal(response.status, 202);
    const message = await runs.waitForEvent(event.event_id as string);
    assertNoSecret([message]);
    const published = RunEvent.parse(JSON.parse(message.value));
    assert.equal(published.attributes?.retries, 2);
    assert.equal(published.attributes?.cached, true);
    assert.ok(String(published.attributes?.note_0).startsWith('git remote set-url origin'));
    assert.equal(published.steps?.length, 5);
  });

  it('lets no secret through a GitHub delivery whose step names carry them', async () => {
    const payload = copyOf(githubExamples('workflow_job').find(({ payload }) => payload.action === 'completed')!.payload);
    const steps = (payload.workflow_job as { steps: { name: string }[] }).steps;
    steps[1]!.name = PLANTED[0]!.text;
    steps[2]!.name = `Run ./unseal.sh ${KNOWN}`;
    const body = JSON.stringify(payload);
    const response = await harness.post('/webhooks/github', body, 'application/json', await githubHeaders(GITHUB_SECRET, body, 'workflow_job'));
    assert.equal(response.status, 202);
    const answer = (await response.json()) as { event_id: string; redactions: number };
    assert.equal(answer.redactions, 2);
    const message = await runs.waitForEvent(answer.event_id);
    assertNoSecret([message]);
    assert.equal(RunEvent.parse(JSON.parse(message.value)).steps![2]!.name, 'Run ./unseal.sh [REDACTED]');
  });

  it('also masks the collector’s own webhook secret if a log prints it', async () => {
    const response = await harness.post(`/v1/logs?pipeline=p&run=r`, `debug: secret is ${GITHUB_SECRET}\n`, 'text/plain');
    const answer = (await response.json()) as { event_id: string; redactions: number };
    assert.equal(answer.redactions, 1);
    const message = await logs.waitForEvent(answer.event_id);
    assert.ok(!message.value.includes(GITHUB_SECRET));
  });
});

const REAL_LOGS = fileURLToPath(new URL('../../../../shared/data/ci-logs/', import.meta.url));

// The logs live beside the repository; a clone on its own skips this.
(existsSync(REAL_LOGS) ? describe : describe.skip)('redaction of the real CI logs (shared/data/ci-logs) through POST /v1/logs', () => {
  const root = REAL_LOGS;

  it('publishes every line of every log, changing fewer than 0.5% of them (and only by [REDACTED])', async function () {
    this.timeout(60_000);
    const harness = await startCollector({ maxBodyBytes: 4 * 1024 * 1024 });
    const logs = await collectLogs(harness.bus, harness.topics);
    try {
      let total = 0;
      const changed: string[] = [];
      for (const build of readdirSync(root).sort()) {
        for (const file of readdirSync(join(root, build)).filter((name) => name.endsWith('.log'))) {
          const text = readFileSync(join(root, build, file), 'utf8');
          const response = await harness.post(`/v1/logs?pipeline=${encodeURIComponent(`jenkins:${build}`)}&run=${file}`, text, 'text/plain');
          assert.equal(response.status, 202, `${build}/${file}`);
          const answer = (await response.json()) as { event_id: string };
          const batch = LogBatch.parse(JSON.parse((await logs.waitForEvent(answer.event_id)).value));
          const sent = text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
          if (sent.at(-1) === '') sent.pop();
          assert.equal(batch.lines.length, sent.length, `${build}/${file}: every line published`);
          batch.lines.forEach((line, index) => {
            total += 1;
            // Lines over 64 KiB are cut to the schema limit; that is not redaction.
            const original = sent[index]!.slice(0, 65_536);
            if (line.text !== original) {
              assert.ok(line.text.includes('[REDACTED]'), `${build}/${file}:${index + 1} changed without a mask`);
              changed.push(`${build}/${file}:${index + 1}`);
            }
          });
        }
      }
      assert.ok(total > 50_000, `expected the full data set, read ${total} lines`);
      assert.ok(changed.length / total < 0.005, `${changed.length} of ${total} lines changed: ${changed.slice(0, 20).join(', ')}`);
    } finally {
      await logs.close();
      await harness.close();
    }
  });
});
