import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmod, copyFile, mkdtemp, realpath, rm, unlink } from 'node:fs/promises';
import { createServer, connect, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createExeHasher, createProcReader, createSampler, sha256File, type Observation } from '../src/index.js';

const BUSY_CHILD = fileURLToPath(new URL('./fixtures/busy-child.mjs', import.meta.url));
const reader = createProcReader();

/** Samples a real child every 50 ms until it exits. */
async function observe(child: ChildProcess, options: { ignoreLoopback?: boolean; during?: () => Promise<void> } = {}): Promise<{ observation: Observation; hashes: Map<string, string | undefined> }> {
  const hasher = createExeHasher();
  const sampler = createSampler({ reader, hasher, rootPid: child.pid!, intervalMs: 50, ignoreLoopback: options.ignoreLoopback ?? false, pageSize: await reader.pageSize() });
  sampler.start();
  const exited = once(child, 'exit');
  await options.during?.();
  await exited;
  const observation = await sampler.stop();
  return { observation, hashes: await hasher.results() };
}

describe('createSampler (real processes, real /proc)', function () {
  this.timeout(30_000);
  let server: Server;
  let port: number;
  before(async () => {
    server = createServer((socket) => socket.resume()).listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  after(() => server.close());

  it('measures CPU, peak RSS, processes with hashes and the outbound TCP connection of a busy tree', async () => {
    const child = spawn(process.execPath, [BUSY_CHILD, '--port', String(port)], { stdio: 'ignore' });
    const { observation, hashes } = await observe(child);
    assert.ok(observation.cpuTicks >= 100, `cpu ticks ${observation.cpuTicks}`);
    assert.ok(observation.maxRssBytes >= 150 * 1024 * 1024, `rss ${observation.maxRssBytes}`);
    assert.ok(observation.processCount >= 2, `processes ${observation.processCount}`);
    const sleepExe = await realpath('/bin/sleep');
    const sleepRun = observation.processes.find((process) => process.exe === sleepExe);
    assert.ok(sleepRun, JSON.stringify(observation.processes));
    assert.equal(hashes.get(sleepExe), await sha256File(sleepExe));
    assert.equal(observation.processes[0]!.exe, await realpath(process.execPath), 'the command itself comes first');
    assert.deepEqual(observation.egress, [{ ip: '127.0.0.1', port, protocol: 'tcp' }], 'no lookup seen: resolved left unset');
  });

  it('leaves loopback out with ignoreLoopback', async () => {
    const child = spawn(process.execPath, [BUSY_CHILD, '--port', String(port), '--cpu-ms', '400', '--mem-mb', '1'], { stdio: 'ignore' });
    const { observation } = await observe(child, { ignoreLoopback: true });
    assert.deepEqual(observation.egress, []);
  });

  it('marks a connection resolved when the tree had /etc/hosts open before it', async () => {
    const script = `
      const fs = require('node:fs'); const net = require('node:net');
      const fd = fs.openSync('/etc/hosts', 'r');
      setTimeout(() => { fs.closeSync(fd); const s = net.connect(${port}, '127.0.0.1', () => setTimeout(() => s.end(), 400)); }, 400);`;
    const child = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
    const { observation } = await observe(child);
    assert.deepEqual(observation.egress, [{ ip: '127.0.0.1', port, protocol: 'tcp', resolved: true }]);
  });

  it('does not count connections accepted by a server in the tree as egress', async () => {
    const script = `
      const net = require('node:net');
      const srv = net.createServer((s) => s.resume()).listen(0, '127.0.0.1', () => { console.log(srv.address().port); });
      setTimeout(() => process.exit(0), 1200);`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
    const { observation } = await observe(child, {
      async during() {
        const [line] = (await once(child.stdout!, 'data')) as [Buffer];
        const client = connect(Number(line.toString().trim()), '127.0.0.1');
        await once(client, 'connect');
        await sleep(500);
        client.destroy();
      },
    });
    assert.deepEqual(observation.egress, []);
  });

  it('hashes the binary that ran even after its file was deleted, and flags it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pipewatch-sampler-'));
    try {
      const dropped = join(dir, 'dropped-payload');
      await copyFile(await realpath('/bin/sleep'), dropped);
      await chmod(dropped, 0o755);
      const child = spawn(dropped, ['1'], { stdio: 'ignore' });
      const { observation, hashes } = await observe(child, {
        async during() {
          await sleep(200);
          await unlink(dropped);
        },
      });
      assert.deepEqual(observation.processes, [{ exe: dropped, deleted: true }]);
      assert.equal(hashes.get(dropped), await sha256File(await realpath('/bin/sleep')));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keeps following a background job after its parent died and it was re-parented', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pipewatch-sampler-'));
    try {
      // A distinct name for the process started only after the re-parenting.
      const late = join(dir, 'late-sleep');
      await copyFile(await realpath('/bin/sleep'), late);
      await chmod(late, 0o755);
      // The middle shell exits at 0.25 s; its background job starts `late-sleep` at 0.5 s, by then a child of init.
      const child = spawn('sh', ['-c', `sh -c '(sleep 0.5; ${late} 0.4) & sleep 0.25'; sleep 1.2`], { stdio: 'ignore' });
      const { observation } = await observe(child);
      assert.ok(observation.processes.some((process) => process.exe === late), JSON.stringify(observation.processes));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
