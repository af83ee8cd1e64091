import assert from 'node:assert/strict';
import {
  parseCString,
  parseFdAnnotation,
  parseFdArg,
  parseMmsgVector,
  parseMsghdr,
  parseOpenFlags,
  parseSockaddr,
  parseStringArray,
  splitTopLevel,
} from '../../src/trace/strace-values.js';

describe('strace value decoders', () => {
  describe('parseCString', () => {
    it('decodes hex escapes to exact bytes', () => {
      assert.deepEqual(parseCString(String.raw`"\x2f\x62\x00\xff"`), { bytes: Buffer.from([0x2f, 0x62, 0, 0xff]), truncated: false });
    });
    it('marks a string strace cut at -s bytes', () => {
      assert.deepEqual(parseCString(String.raw`"\x61\x62"...`), { bytes: Buffer.from('ab'), truncated: true });
    });
    it('also reads the escapes strace uses without -xx', () => {
      assert.equal(parseCString(String.raw`"a\"b\\c\n\0\177"`)?.bytes.toString('latin1'), 'a"b\\c\n\u0000\u007f');
    });
    it('refuses what is not a string', () => {
      for (const token of ['NULL', '0x7ffc', '"open', '"a" b', '']) assert.equal(parseCString(token), undefined, token);
    });
  });

  describe('parseStringArray (argv)', () => {
    it('decodes each element', () => {
      const argv = parseStringArray(String.raw`["\x73\x68", "\x2d\x63", "\x65\x63\x68\x6f\x20\x22\x61\x2c\x20\x62\x22"]`);
      assert.deepEqual(argv?.items.map((item) => item.bytes.toString()), ['sh', '-c', 'echo "a, b"']);
      assert.equal(argv?.truncated, false);
    });
    it('sees both truncation markers: a cut element and missing elements', () => {
      const argv = parseStringArray(String.raw`["\x73\x68", "\x63\x75\x72\x6c\x20\x2d\x73"..., ...]`);
      assert.equal(argv?.items.length, 2);
      assert.equal(argv?.items[1]?.truncated, true);
      assert.equal(argv?.truncated, true);
    });
    it('is undefined for a bare pointer (argv strace could not read)', () => {
      assert.equal(parseStringArray('0x7ffd3a2c'), undefined);
    });
  });

  describe('splitTopLevel', () => {
    it('splits on top-level commas only, across structs, strings and annotations', () => {
      const args = String.raw`5<TCP:[127.0.0.1:54836->127.0.0.2:8765]>, "\x50\x4f", 153, MSG_NOSIGNAL, {sa_family=AF_INET, sin_port=htons(53)}, [28 => 16]`;
      assert.deepEqual(splitTopLevel(args), [
        '5<TCP:[127.0.0.1:54836->127.0.0.2:8765]>',
        String.raw`"\x50\x4f"`,
        '153',
        'MSG_NOSIGNAL',
        '{sa_family=AF_INET, sin_port=htons(53)}',
        '[28 => 16]',
      ]);
    });
  });

  describe('fd annotations', () => {
    it('reads AT_FDCWD<cwd> and path fds', () => {
      const cwd = parseFdArg(String.raw`AT_FDCWD<\x2f\x74\x6d\x70\x2f\x73\x74>`);
      assert.equal(cwd?.fd, -100);
      assert.deepEqual(parseFdAnnotation(cwd!.annotation!), { kind: 'path', path: '/tmp/st' });
      const file = parseFdArg(String.raw`3<\x2f\x65\x74\x63\x2f\x70\x61\x73\x73\x77\x64>`);
      assert.deepEqual(file && parseFdAnnotation(file.annotation!), { kind: 'path', path: '/etc/passwd' });
      assert.deepEqual(parseFdArg('7'), { fd: 7 });
    });
    it('marks devices', () => {
      assert.deepEqual(parseFdAnnotation(String.raw`\x2f\x64\x65\x76\x2f\x6e\x75\x6c\x6c<char 1:3>`), { kind: 'path', path: '/dev/null', device: 'char 1:3' });
    });
    it('reads connected, bound and fresh inet sockets, v4 and v6', () => {
      assert.deepEqual(parseFdAnnotation('TCP:[127.0.0.1:54836->127.0.0.2:8765]'), {
        kind: 'socket',
        protocol: 'TCP',
        local: { ip: '127.0.0.1', port: 54836 },
        remote: { ip: '127.0.0.2', port: 8765 },
      });
      assert.deepEqual(parseFdAnnotation('UDP:[127.0.0.1:55124]'), { kind: 'socket', protocol: 'UDP', local: { ip: '127.0.0.1', port: 55124 } });
      assert.deepEqual(parseFdAnnotation('TCP:[6238]'), { kind: 'socket', protocol: 'TCP', inode: 6238 });
      assert.deepEqual(parseFdAnnotation('TCPv6:[[::1]:40000->[::FFFF:10.0.0.1]:443]'), {
        kind: 'socket',
        protocol: 'TCPv6',
        local: { ip: '::1', port: 40000 },
        remote: { ip: '10.0.0.1', port: 443 },
      });
      // Captured from a python3 client on ::1.
      assert.deepEqual(parseFdAnnotation('UDPv6:[[::1]:52789->[::1]:9]'), { kind: 'socket', protocol: 'UDPv6', local: { ip: '::1', port: 52789 }, remote: { ip: '::1', port: 9 } });
      assert.deepEqual(parseFdAnnotation('NETLINK:[ROUTE:3293]'), { kind: 'socket', protocol: 'NETLINK' });
    });
  });

  describe('parseSockaddr', () => {
    it('reads AF_INET (address hex-escaped by -xx)', () => {
      assert.deepEqual(parseSockaddr(String.raw`{sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("\x31\x32\x37\x2e\x30\x2e\x30\x2e\x31")}`), { family: 'AF_INET', ip: '127.0.0.1', port: 53 });
    });
    it('reads AF_INET6', () => {
      assert.deepEqual(parseSockaddr(String.raw`{sa_family=AF_INET6, sin6_port=htons(1), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "\x3a\x3a\x31", &sin6_addr), sin6_scope_id=0}`), { family: 'AF_INET6', ip: '::1', port: 1 });
    });
    it('reads AF_UNIX and leaves other families opaque', () => {
      assert.deepEqual(parseSockaddr(String.raw`{sa_family=AF_UNIX, sun_path="\x2f\x76\x61\x72\x2f\x72\x75\x6e"}`), { family: 'AF_UNIX', path: '/var/run' });
      assert.deepEqual(parseSockaddr('{sa_family=AF_NETLINK, nl_pid=0, nl_groups=00000000}'), { family: 'AF_NETLINK' });
      assert.equal(parseSockaddr('NULL'), undefined);
    });
  });

  describe('msghdr and mmsg vectors', () => {
    it('joins the iov of sendmsg/recvmsg and reads msg_name', () => {
      const hdr = parseMsghdr(String.raw`{msg_name={sa_family=AF_INET, sin_port=htons(55124), sin_addr=inet_addr("\x31\x32\x37\x2e\x30\x2e\x30\x2e\x31")}, msg_namelen=16, msg_iov=[{iov_base="\x61\x62", iov_len=2}, {iov_base="\x63\x64", iov_len=512}], msg_iovlen=2, msg_controllen=0, msg_flags=0}`);
      assert.deepEqual(hdr?.name, { family: 'AF_INET', ip: '127.0.0.1', port: 55124 });
      assert.deepEqual(hdr?.iov.map((item) => item.bytes.toString()), ['ab', 'cd']);
    });
    it('reads each message and its length from a sendmmsg vector (captured from glibc)', () => {
      const vector = String.raw`[{msg_hdr={msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="\x46\x24\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x08\x72\x65\x67\x69\x73\x74\x72\x79\x04\x74\x65\x73\x74\x00\x00\x01\x00\x01", iov_len=31}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, msg_len=31}, {msg_hdr={msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="\x2b\x29\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x08\x72\x65\x67\x69\x73\x74\x72\x79\x04\x74\x65\x73\x74\x00\x00\x1c\x00\x01", iov_len=31}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, msg_len=31}]`;
      const messages = parseMmsgVector(vector);
      assert.deepEqual(messages?.map((message) => message.len), [31, 31]);
      assert.deepEqual(messages?.map((message) => message.hdr.iov[0]?.bytes.readUInt16BE(0)), [0x4624, 0x2b29]);
    });
    it('ignores netlink payloads that are structures, not strings', () => {
      const hdr = parseMsghdr('{msg_name={sa_family=AF_NETLINK, nl_pid=0, nl_groups=00000000}, msg_namelen=12, msg_iov=[{iov_base=[{nlmsg_len=20, nlmsg_type=NLMSG_DONE, nlmsg_flags=NLM_F_MULTI, nlmsg_seq=1, nlmsg_pid=3293}, 0], iov_len=4096}], msg_iovlen=1, msg_controllen=0, msg_flags=0}');
      assert.deepEqual(hdr?.iov, []);
    });
  });

  describe('parseOpenFlags', () => {
    const cases: [string, boolean, boolean, boolean][] = [
      ['O_RDONLY|O_CLOEXEC', false, false, false],
      ['O_WRONLY|O_CREAT|O_TRUNC', true, true, true],
      ['O_RDWR', true, false, false],
      ['O_WRONLY|O_APPEND', true, false, false],
      ['O_RDONLY|O_CREAT', true, true, false],
      ['{flags=O_RDWR|O_CLOEXEC, resolve=RESOLVE_NO_SYMLINKS}', true, false, false],
    ];
    for (const [flags, write, create, truncate] of cases) {
      it(flags, () => {
        const parsed = parseOpenFlags(flags);
        assert.deepEqual([parsed.write, parsed.create, parsed.truncate], [write, create, truncate]);
      });
    }
  });
});
