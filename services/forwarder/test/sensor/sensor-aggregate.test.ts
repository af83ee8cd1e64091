import assert from 'node:assert/strict';
import { boundArgv, MAX_ARG_CHARS, MAX_ARGS } from '../../src/sensor/bound-argv.js';
import { hostsLineUsesDnsFirst } from '../../src/sensor/dns-visibility.js';
import { createSensorAggregate } from '../../src/sensor/sensor-aggregate.js';
import type { SensorEvent } from '../../src/trace/sensor-events.js';

const at = 1_700_000_000_000;
const exec = (pid: number, exe: string, argv: string[], ppid?: number): SensorEvent => ({ kind: 'exec', at, pid, exe, argv, ok: true, ...(ppid ? { ppid } : {}) });

describe('sensor aggregate', () => {
  it('bounds argv: at most 32 arguments, each cut, secrets masked, a marker for the rest', () => {
    const argv = ['curl', '-H', 'Authorization: Bearer ghp_0123456789abcdefghijABCDEFGHIJ0123456789', '-d', 'x'.repeat(500), ...Array.from({ length: 40 }, (_, i) => `arg${i}`)];
    const bounded = boundArgv(argv);
    assert.equal(bounded.length, MAX_ARGS);
    assert.equal(bounded.at(-1), `…(+${argv.length - (MAX_ARGS - 1)} args)`);
    assert.ok(!bounded.join(' ').includes('ghp_0123456789'), bounded[2]);
    assert.equal(bounded[4]!.length, MAX_ARG_CHARS);
    assert.deepEqual(boundArgv(['sh', '-c', 'a\nb']), ['sh', '-c', 'a⏎b']);
    assert.deepEqual(boundArgv(['deploy', 'hunter2-not-shaped'], ['hunter2-not-shaped']).length, 2);
    assert.ok(!boundArgv(['deploy', 'hunter2-not-shaped'], ['hunter2-not-shaped']).join(' ').includes('hunter2'));
  });

  it('lists each executable once with its parent, and marks one the job wrote before running it', () => {
    const aggregate = createSensorAggregate({ dnsVisible: true });
    aggregate.add(exec(10, '/usr/bin/bash', ['bash', 'build.sh']));
    aggregate.add({ kind: 'file', at, pid: 10, path: '/tmp/x/payload', op: 'create' });
    aggregate.add(exec(11, '/tmp/x/payload', ['./payload'], 10));
    aggregate.add(exec(12, '/tmp/x/payload', ['./payload'], 10));
    const { processes } = aggregate.all();
    assert.deepEqual(processes.map((process) => [process.exe, process.parent ?? null, process.dropped ?? false]), [
      ['/usr/bin/bash', null, false],
      ['/tmp/x/payload', '/usr/bin/bash', true],
    ]);
    assert.equal(aggregate.totals().processesStarted, 3);
  });

  it('names destinations, sums bytes per destination, and says resolved:false only when DNS is visible', () => {
    for (const dnsVisible of [true, false]) {
      const aggregate = createSensorAggregate({ dnsVisible, dnsPorts: [53, 5353] });
      aggregate.add({ kind: 'connect', at, pid: 1, ip: '127.0.0.1', port: 5353, protocol: 'udp', resolved: false });
      aggregate.add({ kind: 'connect', at, pid: 1, ip: '10.1.2.3', port: 443, protocol: 'tcp', resolved: true, host: 'registry.test' });
      aggregate.add({ kind: 'traffic', at, pid: 1, ip: '10.1.2.3', port: 443, protocol: 'tcp', sent: 100, received: 5000 });
      aggregate.add({ kind: 'traffic', at, pid: 1, ip: '10.1.2.3', port: 443, protocol: 'tcp', sent: 20, received: 0 });
      aggregate.add({ kind: 'connect', at, pid: 2, ip: '203.0.113.7', port: 80, protocol: 'tcp', resolved: false });
      const { egress } = aggregate.all();
      assert.deepEqual(egress, [
        { ip: '10.1.2.3', port: 443, protocol: 'tcp', host: 'registry.test', resolved: true, bytes_out: 120, bytes_in: 5000 },
        { ip: '203.0.113.7', port: 80, protocol: 'tcp', ...(dnsVisible ? { resolved: false } : {}) },
      ]);
    }
  });

  it('counts reads of other processes\' memory, not of the job\'s own', () => {
    const aggregate = createSensorAggregate({ dnsVisible: true, exeOf: (pid) => (pid === 812 ? '/runner/bin/Runner.Worker' : undefined) });
    aggregate.add(exec(20, '/usr/bin/python3', ['python3']));
    aggregate.add(exec(21, '/usr/bin/cat', ['cat'], 20));
    aggregate.add({ kind: 'proc_read', at, pid: 20, path: '/proc/20/maps', targetPid: 20, what: 'maps' });
    aggregate.add({ kind: 'proc_read', at, pid: 20, path: '/proc/21/environ', targetPid: 21, what: 'environ' });
    aggregate.add({ kind: 'proc_read', at, pid: 20, path: '/proc/812/mem', targetPid: 812, what: 'mem' });
    assert.deepEqual(aggregate.all().memory_reads, [{ path: '/proc/812/mem', target_pid: 812, target_exe: '/runner/bin/Runner.Worker', by: '/usr/bin/python3' }]);
  });

  it('marks a refused memory read as denied until one gets through, and a destination as not connected until a connect succeeds', () => {
    const aggregate = createSensorAggregate({ dnsVisible: true, exeOf: () => '/runner/bin/Runner.Worker' });
    aggregate.add(exec(30, '/usr/bin/python3', ['python3']));
    aggregate.add({ kind: 'proc_read', at, pid: 30, path: '/proc/812/mem', targetPid: 812, what: 'mem', error: 'EACCES' });
    assert.equal(aggregate.all().memory_reads[0]!.denied, true);
    aggregate.add({ kind: 'proc_read', at, pid: 30, path: '/proc/812/mem', targetPid: 812, what: 'mem' });
    assert.equal(aggregate.all().memory_reads[0]!.denied, undefined, 'a later read that got through is a read');

    aggregate.add({ kind: 'connect', at, pid: 30, ip: '203.0.113.5', port: 443, protocol: 'tcp', resolved: false, error: 'ECONNREFUSED' });
    aggregate.add({ kind: 'connect', at, pid: 30, ip: '203.0.113.6', port: 443, protocol: 'tcp', resolved: false });
    aggregate.add({ kind: 'connect', at, pid: 30, ip: '203.0.113.6', port: 443, protocol: 'tcp', resolved: false, error: 'ETIMEDOUT' });
    const byIp = new Map(aggregate.all().egress.map((entry) => [entry.ip, entry]));
    assert.equal(byIp.get('203.0.113.5')!.connected, false, 'every attempt failed');
    assert.equal(byIp.get('203.0.113.6')!.connected, undefined, 'one attempt got through');
    aggregate.add({ kind: 'connect', at, pid: 30, ip: '203.0.113.5', port: 443, protocol: 'tcp', resolved: false });
    assert.equal(new Map(aggregate.all().egress.map((entry) => [entry.ip, entry])).get('203.0.113.5')!.connected, undefined);
  });

  it('bounds files_written at 1,000 paths outside the workspace and counts the rest', () => {
    const aggregate = createSensorAggregate({ dnsVisible: true, workspace: '/work/app' });
    aggregate.add({ kind: 'file', at, pid: 1, path: '/work/app/dist/index.js', op: 'write' });
    aggregate.add({ kind: 'file', at, pid: 1, path: '/dev/null', op: 'write' });
    for (let i = 0; i < 1_200; i++) aggregate.add({ kind: 'file', at, pid: 1, path: `/tmp/out/${i}`, op: 'create' });
    const { files_written } = aggregate.all();
    assert.equal(files_written.length, 998, 'the 1,000 remembered paths, less the workspace one and /dev/null');
    assert.ok(!files_written.includes('/work/app/dist/index.js'));
    assert.equal(aggregate.totals().filesWrittenDropped, 202);
  });

  it('hands out first sightings once, for streaming', () => {
    const aggregate = createSensorAggregate({ dnsVisible: true });
    aggregate.add(exec(1, '/usr/bin/curl', ['curl']));
    assert.equal(aggregate.takeNew()?.processes.length, 1);
    aggregate.add(exec(2, '/usr/bin/curl', ['curl']));
    assert.equal(aggregate.takeNew(), undefined, 'a known executable is not new');
  });

  it('reads nsswitch: DNS packets are visible unless systemd-resolved or nscd answer first', () => {
    assert.equal(hostsLineUsesDnsFirst('hosts: files dns\n'), true);
    assert.equal(hostsLineUsesDnsFirst('hosts: files mdns4_minimal [NOTFOUND=return] dns\n'), true);
    assert.equal(hostsLineUsesDnsFirst('hosts: files resolve [!UNAVAIL=return] dns\n'), false);
    assert.equal(hostsLineUsesDnsFirst('passwd: files\n'), false);
  });
});
