import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';

/** What the responder answers: A / AAAA addresses, or a CNAME to another entry. */
export interface DnsEntry {
  a?: string[];
  aaaa?: string[];
  cname?: string;
}

export interface DnsExchange {
  query: Buffer;
  response: Buffer;
}

export interface DnsResponder {
  port: number;
  /** Every packet received and the answer sent back, byte for byte. */
  exchanges: DnsExchange[];
  close(): Promise<void>;
}

function encodeName(name: string): Buffer {
  const parts = name.split('.').filter(Boolean).map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label, 'ascii')]));
  return Buffer.concat([...parts, Buffer.from([0])]);
}

function ipv6Bytes(address: string): Buffer {
  const [head = '', tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  const out = Buffer.alloc(16);
  groups.forEach((group, i) => out.writeUInt16BE(parseInt(group, 16), i * 2));
  return out;
}

function record(namePointer: number, type: number, rdata: Buffer): Buffer {
  const fixed = Buffer.alloc(12);
  fixed.writeUInt16BE(0xc000 | namePointer, 0);
  fixed.writeUInt16BE(type, 2);
  fixed.writeUInt16BE(1, 4);
  fixed.writeUInt32BE(60, 6);
  fixed.writeUInt16BE(rdata.length, 10);
  return Buffer.concat([fixed, rdata]);
}

/** The answer to one query: compression pointers to the question, and to the CNAME target. */
export function answerFor(query: Buffer, table: Record<string, DnsEntry>): Buffer {
  let at = 12;
  const labels: string[] = [];
  while (at < query.length && query[at] !== 0) {
    labels.push(query.subarray(at + 1, at + 1 + query[at]!).toString('ascii'));
    at += 1 + query[at]!;
  }
  const questionEnd = at + 5;
  const qtype = query.readUInt16BE(at + 1);
  const name = labels.join('.').toLowerCase();
  const answers: Buffer[] = [];
  let offset = questionEnd;
  let pointer = 12;
  let entry = table[name];
  if (entry?.cname) {
    const target = encodeName(entry.cname);
    const cname = record(pointer, 5, target);
    answers.push(cname);
    pointer = offset + 12; // the target name inside the CNAME's rdata
    offset += cname.length;
    entry = table[entry.cname];
  }
  for (const address of qtype === 1 ? entry?.a ?? [] : qtype === 28 ? entry?.aaaa ?? [] : []) {
    const rdata = qtype === 1 ? Buffer.from(address.split('.').map(Number)) : ipv6Bytes(address);
    answers.push(record(pointer, qtype, rdata));
  }
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0);
  header.writeUInt16BE(table[name] ? 0x8180 : 0x8183, 2); // NXDOMAIN for names not in the table
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  return Buffer.concat([header, query.subarray(12, questionEnd), ...answers]);
}

/** A tiny UDP DNS server on 127.0.0.1 (loopback only), answering from `table`. */
export async function startDnsResponder(table: Record<string, DnsEntry>, port = 0): Promise<DnsResponder> {
  const socket: Socket = createSocket('udp4');
  const exchanges: DnsExchange[] = [];
  socket.on('message', (query, remote) => {
    if (query.length < 17) return;
    const response = answerFor(query, table);
    exchanges.push({ query: Buffer.from(query), response });
    socket.send(response, remote.port, remote.address);
  });
  socket.bind(port, '127.0.0.1');
  await Promise.race([once(socket, 'listening'), once(socket, 'error').then(([error]) => Promise.reject(error))]);
  return {
    port: socket.address().port,
    exchanges,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}
