import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Finding, type RunEvent } from '@pipewatch/shared';
import { runEventId } from '@pipewatch/forwarder';
import { PIPEWATCH_BIN, spawnPipewatch, type RunningChild } from '../helpers/spawn-pipewatch.js';
import { waitFor } from '../helpers/wait-for.js';

const BUSY_CHILD = fileURLToPath(new URL('../../services/forwarder/test/fixtures/busy-child.mjs', import.meta.url));
const PIPELINE = 'agent:e2e/forwarder:build';

interface Finished {
  code: number | null;
  stdout: Buffer;
  stderr: Buffer;
}

/** `pipewatch forward <args>` as a real child process, optionally fed on stdin. */
async function forward(args: string[], stdin?: Buffer): Promise<Finished> {
  // The /proc sampler, the fallback backend; test/e2e/sensor.test.ts runs the strace sensor end to end.
  const child = spawn(process.execPath, [PIPEWATCH_BIN, 'forward', '--sensor', 'proc', ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
  if (stdin) child.stdin!.end(stdin);
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr) };
}

function baselineRun(i: number): RunEvent {
  return {
    schema: 'pipewatch.run/v1',
    event_id: `fwd-baseline-${i}`,
    source: 'generic',
    occurred_at: new Date(Date.now() - (20 - i) * 60_000).toISOString(),
    pipeline: { id: PIPELINE },
    run: { id: `b${i}`, status: 'success' },
    resources: { duration_s: 2 + (i % 3) * 0.1, cpu_s: 1.5, max_rss_mb: 20 + (i % 3), process_count: 3 },
  };
}

async function metric(url: string, pattern: RegExp): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const match = pattern.exec(text);
  return match ? Number(match[1]) : 0;
}

const acceptedEvents = (url: string) => metric(url, /^pipewatch_collector_events_total\{outcome="accepted"\} (\d+)/m);
const publishedLogLines = (url: string) => metric(url, /^pipewatch_collector_log_lines_total (\d+)/m);

describe('pipewatch forward → pipewatch start (child processes)', function () {
  this.timeout(90_000);
  let dataDir: string;
  let spoolDir: string;
  let pipewatch: RunningChild | undefined;
  let tcpServer: Server;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pipewatch-e2e-fwd-'));
    spoolDir = await mkdtemp(join(tmpdir(), 'pipewatch-e2e-spool-'));
    tcpServer = createServer((socket) => socket.resume()).listen(0, '127.0.0.1');
    await once(tcpServer, 'listening');
    pipewatch = await spawnPipewatch(['start'], { PIPEWATCH_DATA_DIR: dataDir });
  });
  after(async () => {
    await pipewatch?.stop('SIGKILL');
    tcpServer.close();
    await rm(dataDir, { recursive: true, force: true });
    await rm(spoolDir, { recursive: true, force: true });
  });

  it('delivers the forwarded run event: it is accepted and judged against the baseline (peak memory far above it)', async () => {
    const url = pipewatch!.url;
    const baseline = await fetch(`${url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: Array.from({ length: 10 }, (_, i) => JSON.stringify(baselineRun(i))).join('\n'),
    });
    assert.equal(baseline.status, 202);
    assert.equal(await acceptedEvents(url), 10);

    const port = (tcpServer.address() as AddressInfo).port;
    const childArgs = [BUSY_CHILD, '--port', String(port), '--mem-mb', '400', '--exit', '3'];
    const result = await forward(['--collector', url, '--pipeline', PIPELINE, '--run', 'fwd-1', '--spool-dir', spoolDir, '--quiet', '--', process.execPath, ...childArgs]);

    assert.equal(result.code, 3, 'the command\'s exit code');
    const reference = spawnSync(process.execPath, [BUSY_CHILD, '--output-only'], { maxBuffer: 10_000_000 });
    assert.ok(result.stdout.equals(reference.stdout), 'stdout passes through byte for byte');
    assert.ok(result.stderr.equals(reference.stderr), 'stderr passes through byte for byte');

    assert.equal(await acceptedEvents(url), 11, 'the collector accepted the forwarded run event');
    // 4 short lines, the 70k-char line in 2 pieces and 1200 numbered lines on stdout; 2 on stderr.
    assert.equal(await publishedLogLines(url), 1208, 'every output line reached the collector through /v1/logs');
    const eventId = runEventId({ pipelineId: PIPELINE, runId: 'fwd-1' });
    const findingsFile = join(dataDir, 'findings.ndjson');
    const memoryFinding = async (): Promise<Finding | undefined> => {
      const text = await readFile(findingsFile, 'utf8').catch(() => '');
      return text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => Finding.parse(JSON.parse(line)))
        .find((finding) => finding.rule.id === 'resource.memory.high' && finding.event_ids.includes(eventId));
    };
    await waitFor(async () => (await memoryFinding()) !== undefined, 'a memory finding for the forwarded run');
    const finding = (await memoryFinding())!;
    assert.equal(finding.run.id, 'fwd-1');
    assert.ok((finding.evidence as { observed: number }).observed >= 350, JSON.stringify(finding.evidence));
  });

  it('forwards piped stdin: echoes it unchanged and exits 0', async () => {
    const input = Buffer.from('build step 1\nbuild step 2 ✓\r\nlast line without newline');
    const linesBefore = await publishedLogLines(pipewatch!.url);
    const result = await forward(['--collector', pipewatch!.url, '--pipeline', PIPELINE, '--run', 'fwd-stdin', '--spool-dir', spoolDir, '--quiet'], input);
    assert.equal(result.code, 0);
    assert.ok(result.stdout.equals(input));
    assert.equal(result.stderr.length, 0);
    assert.equal((await publishedLogLines(pipewatch!.url)) - linesBefore, 3, 'the three lines were shipped');
  });

  it('with the collector gone: still exits with the command\'s code, within seconds', async () => {
    const started = Date.now();
    const result = await forward([
      '--collector', 'http://127.0.0.1:9', '--pipeline', PIPELINE, '--run', 'fwd-down', '--spool-dir', spoolDir,
      '--retries', '1', '--flush-timeout-ms', '2000', '--', 'sh', '-c', 'echo still here; exit 7',
    ]);
    assert.equal(result.code, 7);
    assert.equal(result.stdout.toString(), 'still here\n');
    assert.match(result.stderr.toString(), /pipewatch forward: collector unreachable/);
    assert.ok(Date.now() - started < 10_000);
  });
});
