import assert from 'node:assert/strict';
import type { SensorEvent } from '../../src/trace/sensor-events.js';
import { createTraceModel, type TraceModelOptions } from '../../src/trace/trace-model.js';
import { captureClientHello, firstChunkServer } from './loopback.js';

/** Text as strace -xx prints it inside quotes and annotations. */
const hx = (text: string | Buffer) => [...(typeof text === 'string' ? Buffer.from(text) : text)].map((byte) => `\\x${byte.toString(16).padStart(2, '0')}`).join('');
const q = (text: string | Buffer) => `"${hx(text)}"`;
const cwd = (path: string) => `AT_FDCWD<${hx(path)}>`;

function run(lines: string[], options: TraceModelOptions = {}): SensorEvent[] {
  const model = createTraceModel({ now: () => 1000, ...options });
  const events = lines.flatMap((line) => model.feed(line));
  assert.equal(model.stats().unparsed, 0, 'every line parsed');
  return [...events, ...model.end()];
}

const of = <K extends SensorEvent['kind']>(events: SensorEvent[], kind: K) => events.filter((event): event is Extract<SensorEvent, { kind: K }> => event.kind === kind);

describe('createTraceModel', () => {
  it('links a vfork child to its parent although the child talks first', () => {
    const events = run([
      `100  execve(${q('/bin/sh')}, [${q('sh')}], 0x1 /* 3 vars */) = 0`,
      '100  vfork( <unfinished ...>',
      `101  execve(${q('/usr/bin/curl')}, [${q('curl')}, ${q('-s')}], 0x2 /* 3 vars */ <unfinished ...>`,
      '100  <... vfork resumed>)              = 101',
      '101  <... execve resumed>)             = 0',
      '101  +++ exited with 0 +++',
      '100  +++ exited with 2 +++',
    ]);
    assert.deepEqual(of(events, 'exec').map((event) => [event.pid, event.ppid, event.exe, event.argv]), [
      [100, undefined, '/bin/sh', ['sh']],
      [101, 100, '/usr/bin/curl', ['curl', '-s']],
    ]);
    assert.deepEqual(of(events, 'exit').map((event) => [event.pid, event.code]), [
      [101, 0],
      [100, 2],
    ]);
  });

  it('attributes a thread\'s acts to its process and reports no exit for the thread', () => {
    const events = run([
      `200  execve(${q('/usr/bin/node')}, [${q('node')}], 0x1 /* 3 vars */) = 0`,
      '200  clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, child_tid=0x7f, parent_tid=0x7f, exit_signal=0, stack=0x7f, stack_size=0x7fff80, tls=0x7f} => {parent_tid=[201]}, 88) = 201',
      `201  connect(5<TCP:[6439]>, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr(${q('10.1.2.3')})}, 16) = -1 EINPROGRESS (Operation now in progress)`,
      '201  +++ exited with 0 +++',
      '200  +++ exited with 0 +++',
    ]);
    assert.deepEqual(of(events, 'connect'), [{ kind: 'connect', at: 1000, pid: 200, ip: '10.1.2.3', port: 443, protocol: 'tcp', resolved: false }]);
    assert.deepEqual(of(events, 'exit').map((event) => event.pid), [200]);
  });

  it('resolves relative paths against the cwd from chdir and AT_FDCWD, and dirfd annotations', () => {
    const events = run(
      [
        `300  execve(${q('/bin/sh')}, [${q('sh')}], 0x1 /* 3 vars */) = 0`,
        `300  chdir(${q('sub')}) = 0`,
        `300  rename(${q('a.txt')}, ${q('../b.txt')}) = 0`,
        `300  openat(${cwd('/tmp/w/other')}, ${q('c.txt')}, O_WRONLY|O_APPEND) = 3<${hx('/tmp/w/other/c.txt')}>`,
        `300  unlink(${q('c.txt')}) = 0`,
        `300  unlinkat(4<${hx('/var/x')}>, ${q('y')}, 0) = 0`,
        `300  creat(${q('/tmp/new')}, 0644) = 3<${hx('/tmp/new')}>`,
        `300  truncate(${q('t.log')}, 0) = 0`,
        `300  openat(${cwd('/tmp/w/other')}, ${q('read-only')}, O_RDONLY|O_CLOEXEC) = 3<${hx('/tmp/w/other/read-only')}>`,
        `300  openat(${cwd('/tmp/w/other')}, ${q('/dev/null')}, O_WRONLY|O_CREAT|O_TRUNC, 0666) = 3<${hx('/dev/null')}<char 1:3>>`,
        `300  openat(${cwd('/tmp/w/other')}, ${q('missing/x')}, O_WRONLY|O_CREAT, 0666) = -1 ENOENT (No such file or directory)`,
      ],
      { cwd: '/tmp/w' },
    );
    assert.deepEqual(of(events, 'file').map((event) => [event.op, event.path, event.from]), [
      ['rename', '/tmp/w/b.txt', '/tmp/w/sub/a.txt'],
      ['write', '/tmp/w/other/c.txt', undefined],
      ['delete', '/tmp/w/other/c.txt', undefined],
      ['delete', '/var/x/y', undefined],
      ['create', '/tmp/new', undefined],
      ['truncate', '/tmp/w/other/t.log', undefined],
    ]);
  });

  it('reports /proc reads of other processes, and /proc/self as the opener itself', () => {
    const events = run([
      `400  execve(${q('/bin/cat')}, [${q('cat')}], 0x1 /* 3 vars */) = 0`,
      `400  openat(${cwd('/')}, ${q('/proc/77/environ')}, O_RDONLY) = 3<${hx('/proc/77/environ')}>`,
      `400  openat(${cwd('/')}, ${q('/proc/self/environ')}, O_RDONLY) = 3<${hx('/proc/400/environ')}>`,
      `400  openat(${cwd('/')}, ${q('/proc/thread-self/maps')}, O_RDONLY) = -1 EACCES (Permission denied)`,
      `400  open(${q('/proc/80/mem')}, O_RDWR) = 4<${hx('/proc/80/mem')}>`,
      `400  openat(${cwd('/')}, ${q('/proc/80/status')}, O_RDONLY) = 3<${hx('/proc/80/status')}>`,
    ]);
    assert.deepEqual(of(events, 'proc_read').map((event) => [event.targetPid, event.what, event.path, event.error]), [
      [77, 'environ', '/proc/77/environ', undefined],
      [400, 'environ', '/proc/400/environ', undefined],
      // Refused: reported as an attempt (the aggregate drops the job's reads of itself).
      [400, 'maps', '/proc/thread-self/maps', 'EACCES'],
      [80, 'mem', '/proc/80/mem', undefined],
    ]);
    assert.deepEqual(of(events, 'file'), [], 'an O_RDWR open of /proc/N/mem is a proc_read, not a file write');
  });

  it('drops the failed attempts of a PATH search that then succeeded, keeps a real failure', () => {
    const events = run([
      `500  execve(${q('/usr/bin/env')}, [${q('env')}, ${q('true')}], 0x1 /* 3 vars */) = 0`,
      `500  execve(${q('/usr/local/bin/true')}, [${q('true')}], 0x1 /* 3 vars */) = -1 ENOENT (No such file or directory)`,
      `500  execve(${q('/usr/bin/true')}, [${q('true')}], 0x1 /* 3 vars */) = 0`,
      '500  vfork() = 501',
      `501  execve(${q('./missing')}, [${q('./missing')}], 0x1 /* 3 vars */) = -1 ENOENT (No such file or directory)`,
      '501  +++ exited with 127 +++',
    ], { cwd: '/w' });
    assert.deepEqual(of(events, 'exec').map((event) => [event.pid, event.exe, event.ok, event.error]), [
      [500, '/usr/bin/env', true, undefined],
      [500, '/usr/bin/true', true, undefined],
      [501, '/w/missing', false, 'ENOENT'],
    ]);
  });

  it('resolves execveat against its dirfd, and AT_EMPTY_PATH to the fd itself', () => {
    const events = run([
      `900  execve(${q('/bin/sh')}, [${q('sh')}], 0x1 /* 3 vars */) = 0`,
      `900  execveat(3<${hx('/opt/tools')}>, ${q('run')}, [${q('run')}], 0x1 /* 3 vars */, 0) = 0`,
      `900  execveat(4<${hx('/memfd:payload (deleted)')}>, "", [${q('x')}], 0x1 /* 3 vars */, AT_EMPTY_PATH) = 0`,
    ]);
    assert.deepEqual(of(events, 'exec').map((event) => event.exe), ['/bin/sh', '/opt/tools/run', '/memfd:payload (deleted)']);
  });

  it('learns names from DNS answers (glibc sendmmsg + recvfrom, captured) and marks connects resolved', () => {
    const query = (id: string, type: string) => `"\\x${id.slice(0, 2)}\\x${id.slice(2)}\\x01\\x00\\x00\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x08\\x72\\x65\\x67\\x69\\x73\\x74\\x72\\x79\\x04\\x74\\x65\\x73\\x74\\x00\\x00\\x${type}\\x00\\x01"`;
    const sock = '3<UDP:[127.0.0.1:55469->127.0.0.1:53]>';
    const events = run([
      `600  execve(${q('/usr/bin/getent')}, [${q('getent')}], 0x1 /* 3 vars */) = 0`,
      `600  connect(3<UDP:[7037]>, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr(${q('127.0.0.1')})}, 16) = 0`,
      `600  sendmmsg(${sock}, [{msg_hdr={msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base=${query('4624', '01')}, iov_len=31}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, msg_len=31}, {msg_hdr={msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base=${query('2b29', '1c')}, iov_len=31}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, msg_len=31}], 2, MSG_NOSIGNAL) = 2`,
      String.raw`600  recvfrom(3<UDP:[127.0.0.1:55469->127.0.0.1:53]>, "\x46\x24\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00\x08\x72\x65\x67\x69\x73\x74\x72\x79\x04\x74\x65\x73\x74\x00\x00\x01\x00\x01\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\x7f\x00\x00\x01", 2048, 0, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("\x31\x32\x37\x2e\x30\x2e\x30\x2e\x31")}, [28 => 16]) = 47`,
      String.raw`600  recvfrom(3<UDP:[127.0.0.1:55469->127.0.0.1:53]>, "\x2b\x29\x81\x80\x00\x01\x00\x00\x00\x00\x00\x00\x08\x72\x65\x67\x69\x73\x74\x72\x79\x04\x74\x65\x73\x74\x00\x00\x1c\x00\x01", 65536, 0, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("\x31\x32\x37\x2e\x30\x2e\x30\x2e\x31")}, [28 => 16]) = 31`,
      `600  connect(4<TCP:[7040]>, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr(${q('127.0.0.1')})}, 16) = 0`,
      `600  connect(5<TCPv6:[7041]>, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, ${q('::ffff:127.0.0.1')}, &sin6_addr), sin6_scope_id=0}, 28) = 0`,
      `600  connect(6<TCP:[7042]>, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr(${q('127.0.0.5')})}, 16) = 0`,
      `600  connect(7<UNIX-STREAM:[7043]>, {sa_family=AF_UNIX, sun_path=${q('/var/run/nscd/socket')}}, 110) = -1 ENOENT (No such file or directory)`,
    ]);
    assert.deepEqual(of(events, 'dns').map((event) => [event.name, event.addresses]), [
      ['registry.test', ['127.0.0.1']],
      ['registry.test', []],
    ]);
    assert.deepEqual(of(events, 'connect').map((event) => [event.ip, event.port, event.protocol, event.resolved, event.host]), [
      ['127.0.0.1', 53, 'udp', false, undefined],
      ['127.0.0.1', 443, 'tcp', true, 'registry.test'],
      ['127.0.0.1', 443, 'tcp', true, 'registry.test'],
      ['127.0.0.5', 443, 'tcp', false, undefined],
    ]);
    assert.deepEqual(of(events, 'traffic'), [], 'DNS packets are not egress traffic');
  });

  it('counts bytes on socket calls and reads the host from the first bytes once per connection', () => {
    const sock = '5<TCP:[127.0.0.1:54836->127.0.0.2:8765]>';
    const request = 'POST /x HTTP/1.1\r\nHost: upload.example.test\r\n\r\n';
    const events = run([
      `700  execve(${q('/usr/bin/curl')}, [${q('curl')}], 0x1 /* 3 vars */) = 0`,
      `700  sendto(${sock}, ${q(request.slice(0, 30))}..., 153, MSG_NOSIGNAL, NULL, 0) = 153`,
      `700  sendto(${sock}, ${q(request)}, 100, MSG_NOSIGNAL, NULL, 0) = 100`,
      `700  recvfrom(${sock}, ${q('HTTP/1.0 200 OK')}..., 102400, 0, NULL, NULL) = 555`,
      `700  recvfrom(${sock}, "", 102400, 0, NULL, NULL) = 0`,
      `700  sendto(6<UDP:[0.0.0.0:39023]>, ${q('data')}, 4, 0, {sa_family=AF_INET, sin_port=htons(9999), sin_addr=inet_addr(${q('127.0.0.3')})}, 16) = 4`,
      `700  sendmsg(7<UNIX-STREAM:[1->2]>, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base=${q('x')}, iov_len=1}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, 0) = 1`,
    ]);
    assert.deepEqual(of(events, 'traffic').map((event) => [event.ip, event.port, event.protocol, event.sent, event.received, event.host]), [
      ['127.0.0.2', 8765, 'tcp', 153, 0, undefined],
      ['127.0.0.2', 8765, 'tcp', 100, 0, undefined],
      ['127.0.0.2', 8765, 'tcp', 0, 555, undefined],
      ['127.0.0.3', 9999, 'udp', 4, 0, undefined],
    ]);
  });

  it('takes the SNI from a real ClientHello sent with sendto', async () => {
    const capture = await firstChunkServer();
    const hello = await captureClientHello(capture, 'registry.example.test').finally(() => capture.close());
    const events = run([
      `800  execve(${q('/usr/bin/curl')}, [${q('curl')}], 0x1 /* 3 vars */) = 0`,
      `800  sendto(5<TCP:[127.0.0.1:40000->127.0.0.1:443]>, ${q(hello)}, ${hello.length}, MSG_NOSIGNAL, NULL, 0) = ${hello.length}`,
    ]);
    assert.deepEqual(of(events, 'traffic').map((event) => event.host), ['registry.example.test']);
  });

  it('never throws on garbage and counts what it could not parse', () => {
    const model = createTraceModel();
    for (const line of ['garbage', '12  foo(', '12  execve(1, 2', '12  execve("\\x', '12  connect(3, {sa_family=AF_INET}, 16) = 0', '12  sendmmsg(3<UDP:[1.2.3.4:5->6.7.8.9:53]>, [{msg_hdr={}}], 1, 0) = 1']) {
      assert.doesNotThrow(() => model.feed(line));
    }
    assert.equal(model.stats().unparsed, 4);
  });
});
