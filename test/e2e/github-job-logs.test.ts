import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sign } from '@octokit/webhooks-methods';
import { Finding } from '@pipewatch/shared';
import { spawnPipewatch, type RunningChild } from '../helpers/spawn-pipewatch.js';
import { waitFor } from '../helpers/wait-for.js';

const GITHUB_SECRET = 'github-webhook-secret-0123';
const GITHUB_TOKEN = 'github_pat_11TESTTOKEN0123456789abcdefghijklmnopqrstuvwxyz';
/** A real GitHub Actions job log (REST shape), from shared/test/fixtures/joblog (see its README). */
const REAL_LOG = readFileSync(new URL('../../shared/test/fixtures/joblog/github-rest-backstage-pages-build.log', import.meta.url), 'utf8');
const CHECKOUT_SHA = '93ea575cb5d8a053eaa0ac8fa3b40d7e05a33cc8';
const MOVED_SHA = '0123456789abcdef0123456789abcdef01234567';
const require = createRequire(import.meta.url);

function completedJob(i: number): string {
  const definitions = require('@octokit/webhooks-examples') as Array<{ name: string; examples: Array<Record<string, unknown>> }>;
  const example = definitions.find((d) => d.name === 'workflow_job')!.examples.find((p) => p.action === 'completed' && (p.workflow_job as { conclusion: string }).conclusion === 'success')!;
  const payload = structuredClone(example);
  const created = Date.UTC(2026, 0, 5, 9, 0, 0) + i * 3_600_000;
  Object.assign(payload.workflow_job as Record<string, unknown>, {
    id: 800_000 + i,
    run_id: 6_000_000 + i,
    created_at: new Date(created).toISOString(),
    started_at: new Date(created + 20_000).toISOString(),
    completed_at: new Date(created + 140_000).toISOString(),
  });
  return JSON.stringify(payload);
}

/**
 * GitHub's job-log API as it behaves: the API answers 302 to a signed storage URL on another
 * host (here another loopback port), which must be fetched without the token.
 */
describe('GitHub job logs: a finished job is judged with its log (fake GitHub API on loopback) → pipewatch start', function () {
  this.timeout(90_000);
  let dataDir: string;
  let pipewatch: RunningChild | undefined;
  let api: Server;
  let storage: Server;
  const apiRequests: { url: string; headers: IncomingHttpHeaders }[] = [];
  const storageRequests: { url: string; headers: IncomingHttpHeaders }[] = [];
  /** The log served per job id; a job id missing here answers 404. */
  const logs = new Map<number, string>();

  before(async () => {
    storage = createServer((request, response) => {
      storageRequests.push({ url: request.url ?? '', headers: request.headers });
      const jobId = Number(/\/blob\/(\d+)/.exec(request.url ?? '')?.[1]);
      response.writeHead(200, { 'content-type': 'text/plain' }).end(logs.get(jobId) ?? '');
    }).listen(0, '127.0.0.1');
    await once(storage, 'listening');
    const storagePort = (storage.address() as AddressInfo).port;
    api = createServer((request, response) => {
      apiRequests.push({ url: request.url ?? '', headers: request.headers });
      const match = /^\/repos\/Codertocat\/Hello-World\/actions\/jobs\/(\d+)\/logs$/.exec(request.url ?? '');
      if (!match || request.headers.authorization !== `Bearer ${GITHUB_TOKEN}`) return void response.writeHead(404).end('{"message":"Not Found"}');
      const jobId = Number(match[1]);
      if (!logs.has(jobId)) return void response.writeHead(404).end('{"message":"Not Found"}');
      response.writeHead(302, { location: `http://127.0.0.1:${storagePort}/blob/${jobId}?sig=abc` }).end();
    }).listen(0, '127.0.0.1');
    await once(api, 'listening');
    dataDir = await mkdtemp(join(tmpdir(), 'pipewatch-job-logs-'));
    pipewatch = await spawnPipewatch(['start'], {
      PIPEWATCH_DATA_DIR: dataDir,
      PIPEWATCH_GITHUB_WEBHOOK_SECRET: GITHUB_SECRET,
      PIPEWATCH_GITHUB_TOKEN: GITHUB_TOKEN,
      PIPEWATCH_GITHUB_API_URL: `http://127.0.0.1:${(api.address() as AddressInfo).port}`,
      PIPEWATCH_MIN_RUNS: '3',
    });
  });
  after(async () => {
    await pipewatch?.stop('SIGKILL');
    api?.close();
    storage?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  async function deliver(i: number): Promise<void> {
    const body = completedJob(i);
    const response = await fetch(`${pipewatch!.url}/webhooks/github`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'workflow_job', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': await sign(GITHUB_SECRET, body) },
      body,
    });
    assert.equal(response.status, 202);
  }

  const findings = async (): Promise<Finding[]> =>
    (await readFile(join(dataDir, 'findings.ndjson'), 'utf8').catch(() => ''))
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => Finding.parse(JSON.parse(line)));

  const baseline = async (): Promise<{ runs: number; baseline: unknown } | undefined> => {
    const response = await fetch(`${pipewatch!.url}/v1/pipelines/${encodeURIComponent('github:Codertocat/Hello-World:CodeQL:linters')}/baseline`);
    return response.status === 200 ? ((await response.json()) as { runs: number; baseline: unknown }) : undefined;
  };

  it('fetches each finished job\'s log (token to the API only, never to storage), learns its actions\' SHAs and permissions, and flags a moved tag', async () => {
    for (let i = 0; i < 4; i++) {
      logs.set(800_000 + i, REAL_LOG);
      await deliver(i);
    }
    await waitFor(async () => ((await baseline())?.runs ?? 0) >= 4, 'four runs learned with their logs');
    assert.ok(storageRequests.length >= 4 && storageRequests.every((request) => request.headers.authorization === undefined), 'the storage host never sees the token');
    assert.ok(apiRequests.every((request) => request.headers.authorization === `Bearer ${GITHUB_TOKEN}`));

    // The same tag now resolves to another commit: tj-actions/changed-files, March 2025.
    logs.set(800_004, REAL_LOG.replace(CHECKOUT_SHA, MOVED_SHA));
    await deliver(4);
    await waitFor(async () => (await findings()).some((finding) => finding.rule.id === 'integrity.action.ref_moved'), 'integrity.action.ref_moved');
    const moved = (await findings()).find((finding) => finding.rule.id === 'integrity.action.ref_moved')!;
    assert.equal(moved.run.id, String(6_000_004));
    assert.match(moved.summary, /actions\/checkout@v3/);
    assert.match(moved.summary, new RegExp(MOVED_SHA.slice(0, 12)));
  });

  it('lets a job whose log cannot be had (404) go on without it, judged all the same', async () => {
    const before = (await baseline())?.runs ?? 0;
    await deliver(5); // no log for this job id
    await waitFor(async () => ((await baseline())?.runs ?? 0) > before, 'the run learned without its log');
  });

  it('keeps the token out of everything pipewatch wrote', async () => {
    for (const name of await readdir(dataDir)) {
      const text = await readFile(join(dataDir, name), 'utf8').catch(() => '');
      assert.ok(!text.includes(GITHUB_TOKEN), `${name} holds the token`);
    }
    assert.ok(!pipewatch!.logs.some((line) => JSON.stringify(line).includes(GITHUB_TOKEN)), 'the logs hold the token');
  });
});
