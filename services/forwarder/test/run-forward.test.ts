import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { LogBatch, RunEvent } from '@pipewatch/shared';
import {
  createSpool,
  detectCiMetadata,
  resolveForwarderSettings,
  runEventId,
  runForward,
  sha256File,
  type CiMetadata,
  type ForwardIo,
  type ForwarderFlags,
  createProcReader,
} from '../src/index.js';
import { closedPort, startRecordingCollector, type RecordingCollector } from './helpers/recording-collector.js';

const BUSY_CHILD = fileURLToPath(new URL('./fixtures/busy-child.mjs', import.meta.url));
const TOKEN = 'forwarder-test-token-0123';

function sink(): { stream: Writable; bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  return { stream, bytes: () => Buffer.concat(chunks) };
}

interface Harness {
  io: ForwardIo;
  stdout: () => Buffer;
  stderr: () => Buffer;
  notices: string[];
}

function harness(overrides: Partial<ForwardIo> = {}): Harness {
  const out = sink();
  const err = sink();
  const notices: string[] = [];
  return {
    io: {
      stdin: Readable.from([]),
      stdout: out.stream,
      stderr: err.stream,
      childStdin: 'ignore',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', PIPEWATCH_TOKEN: TOKEN },
      notice: (message) => notices.push(message),
      ...overrides,
    },
    stdout: out.bytes,
    stderr: err.bytes,
    notices,
  };
}

/** What the fixture writes, straight from the fixture with no forwarder in between. */
function referenceOutput(): { stdout: Buffer; stderr: Buffer } {
  const result = spawnSync(process.execPath, [BUSY_CHILD, '--output-only'], { maxBuffer: 10_000_000 });
  return { stdout: result.stdout, stderr: result.stderr };
}

const metadata = (run: string): CiMetadata => detectCiMetadata({}, { pipeline: 'agent-test:busy-child', run })!;

for (const sensor of ['proc', 'strace'] as const) describe(`runForward with the ${sensor} sensor (real child processes, a real HTTP collector)`, function () {
  this.timeout(60_000);
  let collector: RecordingCollector;
  let tcpServer: Server;
  let tcpPort: number;
  let spoolDir: string;

  const settingsFor = (url: string, flags: ForwarderFlags = {}) =>
    resolveForwarderSettings({ PIPEWATCH_COLLECTOR_URL: url, PIPEWATCH_TOKEN: TOKEN, PIPEWATCH_SPOOL_DIR: spoolDir }, { sensor, ...flags });

  /** The run events that end a run; partial observations (run.status running) stream before them. */
  const finalEvents = () => collector.bodiesFor('/v1/events').map((body) => RunEvent.parse(body)).filter((event) => event.run.status !== 'running');

  before(async () => {
    tcpServer = createServer((socket) => socket.resume()).listen(0, '127.0.0.1');
    await once(tcpServer, 'listening');
    tcpPort = (tcpServer.address() as AddressInfo).port;
  });
  after(() => tcpServer.close());
  beforeEach(async () => {
    collector = await startRecordingCollector();
    spoolDir = await mkdtemp(join(tmpdir(), 'pipewatch-forward-test-'));
  });
  afterEach(async () => {
    await collector.close();
    await rm(spoolDir, { recursive: true, force: true });
  });

  it('runs the command, passes stdout/stderr through byte for byte, keeps exit code 3, and posts what it observed', async () => {
    const h = harness();
    const command = [process.execPath, BUSY_CHILD, '--port', String(tcpPort), '--exit', '3'];
    const result = await runForward({ command, settings: settingsFor(collector.url), metadata: metadata('r-1') }, h.io);

    assert.equal(result.exitCode, 3);
    const reference = referenceOutput();
    assert.ok(h.stdout().equals(reference.stdout), 'stdout unchanged');
    assert.ok(h.stderr().equals(reference.stderr), 'stderr unchanged');

    // Partial observations (run.status running) stream while it runs; one final event ends it.
    const [event, ...more] = collector.bodiesFor('/v1/events').map((body) => RunEvent.parse(body)).filter((body) => body.run.status !== 'running');
    assert.equal(more.length, 0);
    assert.equal(event!.event_id, runEventId({ pipelineId: 'agent-test:busy-child', runId: 'r-1' }));
    assert.equal(event!.source, 'agent');
    assert.equal(event!.run.status, 'failure');
    assert.equal(event!.attributes?.exit_code, 3);
    const resources = event!.resources!;
    assert.ok(resources.cpu_s! >= 1, `cpu_s ${resources.cpu_s}`);
    assert.ok(resources.max_rss_mb! >= 150, `max_rss_mb ${resources.max_rss_mb}`);
    assert.ok(resources.process_count! >= 2, `process_count ${resources.process_count}`);
    assert.ok(resources.duration_s! >= 1.5, `duration_s ${resources.duration_s}`);
    const sleepExe = await realpath('/bin/sleep');
    const sleepRun = event!.access!.processes!.find((process) => process.exe === sleepExe);
    assert.ok(sleepRun, JSON.stringify(event!.access!.processes));
    assert.equal(sleepRun.sha256, await sha256File(sleepExe));
    assert.ok(event!.access!.egress!.some((egress) => egress.ip === '127.0.0.1' && egress.port === tcpPort), JSON.stringify(event!.access!.egress));
    for (const request of collector.requests) assert.equal(request.headers.authorization, `Bearer ${TOKEN}`);

    const batches = collector.bodiesFor('/v1/logs').map((body) => LogBatch.parse(body));
    assert.ok(batches.every((batch) => batch.lines.length <= 500));
    assert.equal(new Set(batches.map((batch) => batch.event_id)).size, batches.length, 'every batch has its own id');
    const shipped = (stream: 'stdout' | 'stderr') => batches.flatMap((batch) => batch.lines.filter((line) => line.stream === stream).map((line) => line.text));
    const expectedStdout = reference.stdout.toString('utf8').split('\n').slice(0, -1).flatMap((line) => {
      const text = line.replace(/\r$/, '');
      return text.length > 65_536 ? [text.slice(0, 65_536), text.slice(65_536)] : [text];
    });
    assert.deepEqual(shipped('stdout'), expectedStdout);
    assert.deepEqual(shipped('stderr'), ['warning: on stderr', 'no newline at the end']);
    assert.deepEqual(result.delivery && [result.delivery.state, result.delivery.spooled, result.delivery.dropped], ['up', 0, 0]);
    assert.deepEqual(h.notices, []);
  });

  it('answers 0 and status success for a command that succeeds', async () => {
    const h = harness();
    const result = await runForward({ command: ['sh', '-c', 'echo ok'], settings: settingsFor(collector.url), metadata: metadata('r-ok') }, h.io);
    assert.equal(result.exitCode, 0);
    assert.equal(h.stdout().toString(), 'ok\n');
    assert.equal(RunEvent.parse(collector.bodiesFor('/v1/events')[0]).run.status, 'success');
  });

  it('reports the interfaces\' byte counters over the job as net bytes only on a single-job machine, and only without the syscall sensor', async () => {
    // Counters that move by a known amount between the job's start and its end.
    const readings = [{ rx: 1_000, tx: 500 }, { rx: 4_000, tx: 2_500 }];
    const proc = { ...createProcReader(), netDev: async () => readings.shift() };
    const hosted = harness({ proc, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', PIPEWATCH_TOKEN: TOKEN, RUNNER_ENVIRONMENT: 'github-hosted' } });
    await runForward({ command: ['sh', '-c', 'true'], settings: settingsFor(collector.url), metadata: metadata('r-net') }, hosted.io);
    const shared = harness({ proc: { ...createProcReader(), netDev: async () => ({ rx: 9, tx: 9 }) } });
    await runForward({ command: ['sh', '-c', 'true'], settings: settingsFor(collector.url), metadata: metadata('r-net-shared') }, shared.io);
    const byRun = new Map(finalEvents().map((event) => [event.run.id, event]));
    const resources = byRun.get('r-net')!.resources!;
    if (sensor === 'proc') assert.deepEqual([resources.net_rx_bytes, resources.net_tx_bytes], [3_000, 2_000]);
    // The sensor counts the job's own bytes per destination instead (none here).
    else assert.deepEqual([resources.net_rx_bytes, resources.net_tx_bytes], [0, 0]);
    const sharedResources = byRun.get('r-net-shared')!.resources!;
    if (sensor === 'proc') assert.equal(sharedResources.net_rx_bytes, undefined, 'a shared host\'s counters are everyone\'s traffic');
  });

  it('lists a script run by an interpreter like an executable, with its sha256; one the job wrote first as dropped (sensor only)', async function () {
    if (sensor !== 'strace') this.skip();
    const dir = await mkdtemp(join(tmpdir(), 'pipewatch-forward-script-'));
    const shipped = join(dir, 'upload.sh');
    await writeFile(shipped, 'echo uploading >/dev/null\n');
    // The second script is written by the job itself and then run: a downloaded second stage.
    const script = `bash ${shipped} && printf 'true\\n' > ${dir}/stage2.sh && sh ${dir}/stage2.sh`;
    const h = harness();
    await runForward({ command: ['sh', '-c', script], settings: settingsFor(collector.url), metadata: metadata('r-script') }, h.io);
    const event = finalEvents().find((item) => item.run.id === 'r-script')!;
    const processes = event.access!.processes!;
    const uploader = processes.find((item) => item.exe === shipped);
    assert.ok(uploader, JSON.stringify(processes.map((item) => item.exe)));
    assert.equal(uploader.sha256, await sha256File(shipped));
    assert.equal(uploader.parent, await realpath('/bin/bash'));
    assert.equal(uploader.dropped, undefined);
    const stage2 = processes.find((item) => item.exe === join(dir, 'stage2.sh'));
    assert.ok(stage2, JSON.stringify(processes.map((item) => item.exe)));
    assert.equal(stage2.dropped, true);
    // `sh -c` ran inline text: no script entry for it.
    assert.ok(!processes.some((item) => item.exe.endsWith(script)), 'inline code is not a script');
    await rm(dir, { recursive: true, force: true });
  });

  it('adds the workspace\'s lockfile digests, the event file\'s fork and trigger, and the runner\'s hosting to the final event', async () => {
    const workspace = await mkdtemp(join(tmpdir(), 'pipewatch-forward-ws-'));
    await writeFile(join(workspace, 'package-lock.json'), readFileSync(new URL('../../../package-lock.json', import.meta.url)));
    // A pull_request delivery whose head is a fork (GitHub's own example, head repository renamed).
    const eventPath = join(workspace, 'event.json');
    await writeFile(eventPath, JSON.stringify({ action: 'opened', sender: { login: 'mallory' }, pull_request: { head: { repo: { full_name: 'mallory/app', fork: true }, sha: 'a'.repeat(40) }, base: { repo: { full_name: 'octo/app' } } } }));
    const h = harness({ env: { PATH: process.env.PATH ?? '/usr/bin:/bin', PIPEWATCH_TOKEN: TOKEN, GITHUB_WORKSPACE: workspace, GITHUB_EVENT_PATH: eventPath, GITHUB_EVENT_NAME: 'pull_request_target', GITHUB_ACTIONS: 'true', RUNNER_ENVIRONMENT: 'github-hosted' } });
    await runForward({ command: ['sh', '-c', 'true'], settings: settingsFor(collector.url), metadata: metadata('r-context') }, h.io);
    await rm(workspace, { recursive: true, force: true });
    const event = finalEvents().find((item) => item.run.id === 'r-context')!;
    const lock = JSON.parse(readFileSync(new URL('../../../package-lock.json', import.meta.url), 'utf8')) as { packages: Record<string, { integrity?: string; version?: string }> };
    const zod = lock.packages['node_modules/zod']!;
    assert.ok(event.dependencies!.some((dep) => dep.name === 'zod' && dep.version === zod.version && dep.digest === zod.integrity && dep.source === 'package-lock.json'), 'zod as the lockfile pins it');
    assert.equal(event.run.from_fork, true);
    assert.equal(event.run.trigger, 'pull_request_target');
    assert.equal(event.runner?.ephemeral, true);
    assert.equal(event.runner?.self_hosted, false);
  });

  for (const [signal, code] of [['TERM', 143], ['KILL', 137]] as const) {
    it(`maps death by SIG${signal} to exit code ${code}`, async () => {
      const h = harness();
      const result = await runForward({ command: ['sh', '-c', `kill -${signal} $$`], settings: settingsFor(collector.url), metadata: metadata(`r-sig-${signal}`) }, h.io);
      assert.equal(result.exitCode, code);
      assert.equal(result.signal, `SIG${signal}`);
      const event = RunEvent.parse(collector.bodiesFor('/v1/events')[0]);
      assert.equal(event.run.status, 'failure');
      assert.equal(event.attributes?.signal, `SIG${signal}`);
    });
  }

  it('passes a cancellation signal on to the command and reports the run cancelled', async () => {
    let forward: ((signal: NodeJS.Signals) => void) | undefined;
    const h = harness({
      onSignal(pass) {
        forward = pass;
        return () => {
          forward = undefined;
        };
      },
    });
    // The signal handler is installed once the command runs (after the sensor's set-up): cancel 300 ms after that.
    const waiting = setInterval(() => {
      if (!forward) return;
      clearInterval(waiting);
      setTimeout(() => forward?.('SIGTERM'), 300);
    }, 20);
    const started = Date.now();
    const result = await runForward({ command: ['sleep', '30'], settings: settingsFor(collector.url), metadata: metadata('r-cancel') }, h.io);
    assert.equal(result.exitCode, 143);
    assert.ok(Date.now() - started < 10_000);
    assert.deepEqual(finalEvents().map((event) => event.run.status), ['cancelled']);
  });

  it('with the collector down: exits with the command\'s code quickly and spools; the next run delivers the spool first', async () => {
    const down = `http://127.0.0.1:${await closedPort()}`;
    const fast: ForwarderFlags = { retries: 2, requestTimeoutMs: 1000, flushTimeoutMs: 3000 };
    const first = harness();
    const started = Date.now();
    const result = await runForward(
      { command: [process.execPath, BUSY_CHILD, '--cpu-ms', '300', '--mem-mb', '10', '--exit', '3'], settings: settingsFor(down, fast), metadata: metadata('r-down') },
      first.io,
    );
    const elapsed = Date.now() - started;
    assert.equal(result.exitCode, 3);
    assert.ok(elapsed < 10_000, `took ${elapsed} ms`);
    assert.ok(first.stdout().equals(referenceOutput().stdout), 'output still passes through');
    assert.match(first.notices.join('\n'), /collector unreachable .* spooled to .*spool\.ndjson/);

    const spooled = await createSpool({ dir: spoolDir, maxBytes: 1e9 }).read();
    const downEventId = runEventId({ pipelineId: 'agent-test:busy-child', runId: 'r-down' });
    assert.deepEqual(spooled.filter((record) => record.kind === 'event').map((record) => (record.body as RunEvent).event_id), [downEventId]);
    const spooledLogIds = spooled.filter((record) => record.kind === 'logs').map((record) => (record.body as LogBatch).event_id);
    assert.ok(spooledLogIds.length >= 3, `log batches spooled: ${spooledLogIds.length}`);
    const spooledLines = spooled.filter((record) => record.kind === 'logs').reduce((sum, record) => sum + (record.body as LogBatch).lines.length, 0);
    // 4 short lines + the 70k-char line in 2 pieces + 1200 numbered lines on stdout, 2 on stderr.
    assert.equal(spooledLines, 1208, 'every line of the run is in the spool');

    const second = harness();
    const next = await runForward({ command: ['sh', '-c', 'echo second run'], settings: settingsFor(collector.url), metadata: metadata('r-next') }, second.io);
    assert.equal(next.exitCode, 0);
    const ids = collector.requests.map((request) => request.body.event_id as string).filter((id) => !/\.p\d+$/.test(id));
    const spooledIds = [...spooledLogIds, downEventId];
    assert.deepEqual(new Set(ids.slice(0, spooledIds.length)), new Set(spooledIds), 'the spooled records go first');
    assert.deepEqual(ids.slice(spooledIds.length).map((id) => id.startsWith(runEventId({ pipelineId: 'agent-test:busy-child', runId: 'r-next' }))), [true, true]);
    assert.equal(next.delivery!.resent, spooledIds.length);
    assert.deepEqual(await createSpool({ dir: spoolDir, maxBytes: 1e9 }).read(), [], 'the spool is empty again');
  });

  it('treats 404 from /v1/logs as permanent: drops the logs, still posts the run event, keeps the exit code', async () => {
    collector.statusFor.set('/v1/logs', 404);
    const h = harness();
    const result = await runForward(
      { command: [process.execPath, BUSY_CHILD, '--cpu-ms', '10', '--mem-mb', '1', '--exit', '4'], settings: settingsFor(collector.url), metadata: metadata('r-404') },
      h.io,
    );
    assert.equal(result.exitCode, 4);
    assert.equal(collector.bodiesFor('/v1/logs').length, 1, 'one try, no retries, no more batches');
    assert.equal(finalEvents().length, 1);
    assert.deepEqual(await createSpool({ dir: spoolDir, maxBytes: 1e9 }).read(), []);
    assert.deepEqual(h.notices, ['the collector has no /v1/logs (404): logs were not shipped']);
  });

  it('forwards piped stdin: echoes it unchanged and ships its lines, with no run event', async () => {
    const input = Buffer.from('first line\nsecond ✓ line\r\nno newline');
    const h = harness({ stdin: Readable.from([input.subarray(0, 7), input.subarray(7)]) });
    const result = await runForward({ command: [], settings: settingsFor(collector.url), metadata: metadata('r-stdin') }, h.io);
    assert.equal(result.exitCode, 0);
    assert.ok(h.stdout().equals(input));
    const lines = collector.bodiesFor('/v1/logs').flatMap((body) => LogBatch.parse(body).lines.map((line) => line.text));
    assert.deepEqual(lines, ['first line', 'second ✓ line', 'no newline']);
    assert.equal(collector.bodiesFor('/v1/events').length, 0);
  });

  it('keeps PIPEWATCH_TOKEN away from the command', async () => {
    const h = harness();
    await runForward({ command: ['sh', '-c', 'echo "${PIPEWATCH_TOKEN:-absent}"'], settings: settingsFor(collector.url), metadata: metadata('r-env') }, h.io);
    assert.equal(h.stdout().toString(), 'absent\n');
  });

  it('redacts credential-shaped text in shipped lines (the job log itself is untouched)', async () => {
    const h = harness();
    const line = `token=${TOKEN} key=AKIAIOSFODNN7EXAMPLE`;
    await runForward({ command: ['sh', '-c', `echo '${line}'`], settings: settingsFor(collector.url), metadata: metadata('r-redact') }, h.io);
    assert.equal(h.stdout().toString(), `${line}\n`);
    const [shipped] = collector.bodiesFor('/v1/logs').flatMap((body) => LogBatch.parse(body).lines.map((l) => l.text));
    assert.ok(!shipped!.includes(TOKEN) && !shipped!.includes('AKIAIOSFODNN7EXAMPLE'), shipped);
  });

  it('answers 127 when the command does not exist, and says so', async () => {
    const h = harness();
    const result = await runForward({ command: ['/nonexistent/tool'], settings: settingsFor(collector.url), metadata: metadata('r-missing') }, h.io);
    assert.equal(result.exitCode, 127);
    assert.match(h.notices.join('\n'), /cannot run \/nonexistent\/tool: ENOENT/);
  });

  it('answers 126 when the command exists but cannot be executed', async () => {
    const notExecutable = join(spoolDir, 'script.sh');
    await writeFile(notExecutable, '#!/bin/sh\necho never\n', { mode: 0o644 });
    const h = harness();
    const result = await runForward({ command: [notExecutable], settings: settingsFor(collector.url), metadata: metadata('r-noexec') }, h.io);
    assert.equal(result.exitCode, 126);
    assert.match(h.notices.join('\n'), /cannot run .*script\.sh: EACCES/);
  });

  it('without CI metadata or settings: still runs the command and passes its output through, ships nothing', async () => {
    const h = harness();
    const result = await runForward({ command: ['sh', '-c', 'echo hi; exit 5'], settings: settingsFor(collector.url) }, h.io);
    assert.equal(result.exitCode, 5);
    assert.equal(h.stdout().toString(), 'hi\n');
    assert.equal(collector.requests.length, 0);
    assert.match(h.notices[0]!, /no CI detected/);
    const bare = harness();
    assert.equal((await runForward({ command: ['sh', '-c', 'exit 6'] }, bare.io)).exitCode, 6);
  });
});
