import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  decodeEndpoint,
  decodeHexAddress,
  formatIpv6,
  isLoopback,
  parseExeLink,
  parseFdLink,
  parseNetTable,
  parsePageSize,
  parseNetDev,
  parseProcIo,
  parseProcStat,
  parseUnixInodes,
} from '../src/index.js';

/** Text captured from /proc on a Linux x86-64 box (a few rows of tcp/tcp6 added by hand for states the capture lacked). */
const sample = (name: string): string => readFileSync(new URL(`./fixtures/proc/${name}`, import.meta.url), 'utf8');

describe('/proc parsing', () => {
  it('parseNetDev sums the interfaces but loopback, receive and transmit bytes (a capture of /proc/net/dev)', () => {
    // eth0 received 690,227,278 and sent 2,798,251 bytes; lo's 341 MB and the idle ifb devices do not count.
    assert.deepEqual(parseNetDev(sample('net-dev.txt')), { rx: 690_227_278, tx: 2_798_251 });
    assert.deepEqual(parseNetDev('garbage\n  x: 1 2\n'), { rx: 0, tx: 0 });
  });

  describe('parseProcStat', () => {
    const cases = [
      {
        name: 'a plain command',
        text: sample('stat-cat.txt'),
        expected: { pid: 5917, comm: 'cat', state: 'R', ppid: 5914, utime: 0, stime: 0, cutime: 0, cstime: 0, starttime: 188566, rssPages: 389 },
      },
      {
        name: 'a process with children time (cutime/cstime)',
        text: sample('stat-init.txt'),
        expected: { pid: 1, comm: 'process_api', state: 'S', ppid: 0, utime: 173, stime: 881, cutime: 135922, cstime: 16345, starttime: 25, rssPages: 3947 },
      },
      {
        name: 'a name with spaces and parentheses is read up to the last )',
        text: sample('stat-cat.txt').replace('(cat)', '(my (odd) name)'),
        expected: { pid: 5917, comm: 'my (odd) name', state: 'R', ppid: 5914, utime: 0, stime: 0, cutime: 0, cstime: 0, starttime: 188566, rssPages: 389 },
      },
    ];
    for (const { name, text, expected } of cases) {
      it(name, () => assert.deepEqual(parseProcStat(text), expected));
    }
    for (const [name, text] of [
      ['empty text', ''],
      ['cut short', '5917 (cat) R 5914 5914'],
      ['no parentheses', '5917 cat R 5914'],
    ] as const) {
      it(`answers undefined for ${name}`, () => assert.equal(parseProcStat(text), undefined));
    }
  });

  describe('parseNetTable', () => {
    it('reads /proc/net/tcp: listeners, an established loopback pair, SYN_SENT to a public address, TIME_WAIT without inode', () => {
      assert.deepEqual(parseNetTable(sample('tcp.txt'), 'tcp'), [
        { protocol: 'tcp', localIp: '127.0.0.1', localPort: 8080, remoteIp: '0.0.0.0', remotePort: 0, state: 10, inode: 117973 },
        { protocol: 'tcp', localIp: '0.0.0.0', localPort: 2024, remoteIp: '0.0.0.0', remotePort: 0, state: 10, inode: 1588 },
        { protocol: 'tcp', localIp: '127.0.0.1', localPort: 41668, remoteIp: '127.0.0.1', remotePort: 8080, state: 1, inode: 140211 },
        { protocol: 'tcp', localIp: '10.0.0.2', localPort: 54194, remoteIp: '93.184.216.34', remotePort: 443, state: 2, inode: 140299 },
        { protocol: 'tcp', localIp: '127.0.0.1', localPort: 8080, remoteIp: '127.0.0.1', remotePort: 41668, state: 6, inode: 0 },
      ]);
    });

    it('reads /proc/net/tcp6: ::1, IPv4-mapped addresses as plain IPv4, a global address compressed', () => {
      const rows = parseNetTable(sample('tcp6.txt'), 'tcp6').map(({ localIp, localPort, remoteIp, remotePort, state, inode }) => [
        localIp,
        localPort,
        remoteIp,
        remotePort,
        state,
        inode,
      ]);
      assert.deepEqual(rows, [
        ['::1', 44547, '::', 0, 10, 136802],
        ['::1', 44547, '::1', 42818, 1, 136804],
        ['::1', 42818, '::1', 44547, 1, 136803],
        ['127.0.0.1', 38146, '127.0.0.1', 38037, 6, 0],
        ['2001:db8::2', 50000, '2001:db8::1', 443, 1, 150001],
      ]);
    });

    it('reads /proc/net/udp and udp6: a connected DNS socket and an unconnected one', () => {
      assert.deepEqual(parseNetTable(sample('udp.txt'), 'udp'), [
        { protocol: 'udp', localIp: '127.0.0.1', localPort: 50868, remoteIp: '127.0.0.53', remotePort: 53, state: 1, inode: 136805 },
        { protocol: 'udp', localIp: '0.0.0.0', localPort: 68, remoteIp: '0.0.0.0', remotePort: 0, state: 7, inode: 20111 },
      ]);
      assert.deepEqual(parseNetTable(sample('udp6.txt'), 'udp6'), [
        { protocol: 'udp6', localIp: '::1', localPort: 41143, remoteIp: '::1', remotePort: 5353, state: 1, inode: 136806 },
      ]);
    });

    it('reads big-endian text when told the machine is big-endian', () => {
      assert.deepEqual(decodeEndpoint('7F000001:0050', false), { ip: '127.0.0.1', port: 80 });
    });

    it('skips lines that are not socket rows', () => {
      assert.deepEqual(parseNetTable('header\n\n   0: garbage\n', 'tcp'), []);
    });
  });

  describe('addresses', () => {
    const cases: [string, string | undefined][] = [
      ['0100007F', '127.0.0.1'],
      ['00000000', '0.0.0.0'],
      ['22D8B85D', '93.184.216.34'],
      ['00000000000000000000000001000000', '::1'],
      ['00000000000000000000000000000000', '::'],
      ['0000000000000000FFFF00000100007F', '127.0.0.1'],
      ['B80D0120000000000000000001000000', '2001:db8::1'],
      ['000080FE00000000FF005A02FE1D2CC6', 'fe80::25a:ff:c62c:1dfe'],
      ['0100007', undefined],
    ];
    for (const [hex, expected] of cases) {
      it(`decodes ${hex} as ${expected ?? 'nothing'}`, () => assert.equal(decodeHexAddress(hex), expected));
    }

    it('compresses only the longest run of zero groups, and not a single zero group', () => {
      assert.equal(formatIpv6([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]), '2001:db8:0:1::1');
      assert.equal(formatIpv6([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1]), '2001:db8:0:1:1:1:1:1');
    });

    it('knows loopback addresses', () => {
      assert.deepEqual(['127.0.0.1', '127.1.2.3', '::1', '10.0.0.1', '::'].map(isLoopback), [true, true, true, false, false]);
    });
  });

  describe('fd and exe links, io, smaps, unix sockets', () => {
    const links = [
      ['socket:[136805]', { kind: 'socket', inode: 136805 }],
      ['/etc/hosts', { kind: 'file', path: '/etc/hosts' }],
      ['pipe:[4411]', { kind: 'other' }],
      ['anon_inode:[eventpoll]', { kind: 'other' }],
    ] as const;
    for (const [link, expected] of links) {
      it(`reads fd link ${link}`, () => assert.deepEqual(parseFdLink(link), expected));
    }

    it('notices an executable deleted while it ran', () => {
      assert.deepEqual(parseExeLink('/tmp/.x/payload (deleted)'), { path: '/tmp/.x/payload', deleted: true });
      assert.deepEqual(parseExeLink('/usr/bin/node'), { path: '/usr/bin/node', deleted: false });
    });

    it('reads /proc/<pid>/io counters', () => {
      assert.equal(parseProcIo(sample('io.txt')).write_bytes, 40960);
      assert.equal(parseProcIo(sample('io.txt')).rchar, 6976);
    });

    it('reads the page size from smaps', () => {
      assert.equal(parsePageSize(sample('smaps-head.txt')), 4096);
      assert.equal(parsePageSize('nothing here'), undefined);
    });

    it('lists unix socket inodes', () => {
      assert.deepEqual([...parseUnixInodes(sample('unix.txt'))], [1584, 28812]);
    });
  });
});
