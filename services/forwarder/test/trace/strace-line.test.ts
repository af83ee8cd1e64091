import assert from 'node:assert/strict';
import { createCallJoiner, parseStraceLine, type JoinedRecord } from '../../src/trace/strace-line.js';
import { parseCText } from '../../src/trace/strace-values.js';

// Lines captured from strace 6.1 (`-f -q -yy -xx`) on real runs.
const EXEC = String.raw`3046  execve("\x2f\x75\x73\x72\x2f\x62\x69\x6e\x2f\x63\x75\x72\x6c", ["\x63\x75\x72\x6c", "\x2d\x73"], 0x560120f4e198 /* 39 vars */) = 0`;
const OPEN_FAIL = String.raw`3046  openat(AT_FDCWD<\x2f\x74\x6d\x70\x2f\x73\x74>, "\x2f\x72\x6f\x6f\x74\x2f\x2e\x63\x75\x72\x6c\x72\x63", O_RDONLY) = -1 ENOENT (No such file or directory)`;
const OPEN_DEV = String.raw`3045  openat(AT_FDCWD<\x2f\x74\x6d\x70\x2f\x73\x74>, "\x2f\x64\x65\x76\x2f\x6e\x75\x6c\x6c", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 3<\x2f\x64\x65\x76\x2f\x6e\x75\x6c\x6c<char 1:3>>`;

describe('parseStraceLine', () => {
  it('reads a plain call: pid, name, raw args, return value', () => {
    const record = parseStraceLine(EXEC);
    assert.equal(record?.kind, 'call');
    if (record?.kind !== 'call') return;
    assert.equal(record.pid, 3046);
    assert.equal(record.name, 'execve');
    assert.equal(record.ret, 0);
    assert.ok(record.args.startsWith(String.raw`"\x2f\x75`));
    assert.ok(record.args.endsWith('/* 39 vars */'));
  });

  it('reads errno name and message of a failed call', () => {
    const record = parseStraceLine(OPEN_FAIL);
    assert.deepEqual(record && record.kind === 'call' ? [record.ret, record.errno, record.errorMessage] : [], [-1, 'ENOENT', 'No such file or directory']);
  });

  it('reads an exec of a missing file as a failed call', () => {
    const record = parseStraceLine(String.raw`3050  execve("\x2f\x6e\x6f\x6e\x65\x78\x69\x73\x74", ["\x2f\x6e\x6f\x6e\x65\x78\x69\x73\x74"], 0x560120f4e0f8 /* 39 vars */) = -1 ENOENT (No such file or directory)`);
    assert.ok(record?.kind === 'call');
    assert.equal(record.name, 'execve');
    assert.equal(record.errno, 'ENOENT');
  });

  it('keeps the annotation of a returned fd, nested device part included', () => {
    const record = parseStraceLine(OPEN_DEV);
    assert.ok(record?.kind === 'call');
    assert.equal(record.ret, 3);
    assert.equal(record.retAnnotation, String.raw`\x2f\x64\x65\x76\x2f\x6e\x75\x6c\x6c<char 1:3>`);
  });

  it('reads calls that never return and hex returns', () => {
    const exit = parseStraceLine('3053  exit_group(0)                     = ?');
    assert.ok(exit?.kind === 'call' && exit.ret === undefined && exit.name === 'exit_group');
    const mmap = parseStraceLine('12  brk(NULL) = 0x55d4c0a1e000');
    assert.ok(mmap?.kind === 'call' && mmap.ret === 0x55d4c0a1e000);
  });

  it('reads the [pid N] prefix strace uses on stderr', () => {
    const record = parseStraceLine('[pid  4242] clone3({flags=CLONE_VM|CLONE_THREAD, exit_signal=0} => {parent_tid=[4243]}, 88) = 4243');
    assert.ok(record?.kind === 'call' && record.pid === 4242 && record.ret === 4243);
  });

  it('reads signal, exit, kill and superseded lines', () => {
    assert.deepEqual(parseStraceLine('3045  --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=3046, si_uid=0, si_status=0, si_utime=1 /* 0.01 s */, si_stime=1 /* 0.01 s */} ---'), {
      kind: 'signal',
      pid: 3045,
      signal: 'SIGCHLD',
      info: '{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=3046, si_uid=0, si_status=0, si_utime=1 /* 0.01 s */, si_stime=1 /* 0.01 s */}',
    });
    assert.deepEqual(parseStraceLine('3101  +++ exited with 3 +++'), { kind: 'exited', pid: 3101, code: 3 });
    assert.deepEqual(parseStraceLine('3045  +++ killed by SIGTERM +++'), { kind: 'killed', pid: 3045, signal: 'SIGTERM', coreDumped: false });
    assert.deepEqual(parseStraceLine('77  +++ killed by SIGSEGV (core dumped) +++'), { kind: 'killed', pid: 77, signal: 'SIGSEGV', coreDumped: true });
    assert.deepEqual(parseStraceLine('78  +++ superseded by execve in pid 77 +++'), { kind: 'superseded', pid: 78, byPid: 77 });
  });

  it('returns undefined for garbage, never throws', () => {
    const garbage = ['', 'hello', 'strace: Process 12 attached', '12', '12  ', '12  foo(', '12  foo(1, 2', '12  foo(1) =', '12  foo("unterminated) = 0', '-5  exit(0) = ?', '12  ) = 0', '\u0000\u00ff', '12  --- stopped by SIGSTOP ---'];
    for (const line of garbage) assert.equal(parseStraceLine(line), undefined, line);
  });
});

describe('createCallJoiner', () => {
  // Captured: a vfork whose child runs before the parent's call returns, interleaved with it.
  const lines = [
    '3045  vfork( <unfinished ...>',
    String.raw`3046  execve("\x2f\x75\x73\x72\x2f\x62\x69\x6e\x2f\x63\x75\x72\x6c", ["\x63\x75\x72\x6c"], 0x560120f4e198 /* 39 vars */ <unfinished ...>`,
    '3045  <... vfork resumed>)              = 3046',
    '3046  <... execve resumed>)             = 0',
    String.raw`3166  recvfrom(5<TCP:[127.0.0.1:41135->127.0.0.1:33966]>,  <unfinished ...>`,
    String.raw`3166  <... recvfrom resumed>"\x47\x45\x54", 4096, 0, NULL, NULL) = 3`,
  ];

  function join(input: string[]): JoinedRecord[] {
    const joiner = createCallJoiner();
    const out: JoinedRecord[] = [];
    for (const line of input) {
      const record = parseStraceLine(line);
      assert.ok(record, line);
      const joined = joiner.push(record);
      if (joined) out.push(joined);
    }
    return out;
  }

  it('glues each pid\'s unfinished call to its own resumed tail', () => {
    const [vfork, execve, recvfrom] = join(lines);
    assert.ok(vfork?.kind === 'call' && vfork.name === 'vfork' && vfork.pid === 3045 && vfork.ret === 3046);
    assert.ok(execve?.kind === 'call' && execve.name === 'execve' && execve.pid === 3046 && execve.ret === 0);
    assert.equal(parseCText(execve.args.split(', ')[0]!), '/usr/bin/curl');
    assert.ok(recvfrom?.kind === 'call' && recvfrom.ret === 3);
    assert.equal(recvfrom.args, String.raw`5<TCP:[127.0.0.1:41135->127.0.0.1:33966]>, "\x47\x45\x54", 4096, 0, NULL, NULL`);
  });

  it('knows which pids are inside a call', () => {
    const joiner = createCallJoiner();
    joiner.push(parseStraceLine(lines[0]!)!);
    assert.equal(joiner.anyPending(new Set(['vfork'])), true);
    assert.equal(joiner.pendingName(3045), 'vfork');
    joiner.push(parseStraceLine(lines[2]!)!);
    assert.equal(joiner.anyPending(new Set(['vfork'])), false);
  });

  it('drops a call cut short by the process\'s end, and survives a tail without its start', () => {
    const joiner = createCallJoiner();
    joiner.push(parseStraceLine('9  wait4(-1,  <unfinished ...>')!);
    assert.deepEqual(joiner.push(parseStraceLine('9  +++ killed by SIGKILL +++')!), { kind: 'killed', pid: 9, signal: 'SIGKILL', coreDumped: false });
    assert.equal(joiner.pendingName(9), undefined);
    const orphan = joiner.push(parseStraceLine('10  <... openat resumed>)             = -1 ENOENT (No such file or directory)')!);
    assert.ok(orphan?.kind === 'call' && orphan.name === 'openat' && orphan.errno === 'ENOENT');
  });
});
