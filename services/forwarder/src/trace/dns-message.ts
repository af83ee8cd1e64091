/**
 * Pure DNS wire-format decoder (RFC 1035): header, questions, and the answer section's
 * A / AAAA / CNAME records (others are kept with their type only). The bytes come from a
 * traced process, so anything malformed gives undefined; name decoding follows at most a
 * bounded number of compression pointers, so a pointer loop cannot hang the forwarder.
 */

export interface DnsQuestion {
  /** Lower case, no trailing dot. */
  name: string;
  type: number;
}

export interface DnsAnswer {
  name: string;
  type: number;
  ttl: number;
  address?: string;
  cname?: string;
}

export interface DnsMessage {
  id: number;
  isResponse: boolean;
  /** RCODE: 0 NOERROR, 3 NXDOMAIN... */
  rcode: number;
  questions: DnsQuestion[];
  answers: DnsAnswer[];
}

export const DNS_TYPE = { A: 1, CNAME: 5, AAAA: 28 } as const;

const MAX_POINTERS = 16;
const MAX_NAME_LENGTH = 255;
const MAX_RECORDS = 256;

/** The name at `offset` and where the record continues after it, or undefined when malformed. */
function readName(bytes: Uint8Array, offset: number): { name: string; next: number } | undefined {
  const labels: string[] = [];
  let length = 0;
  let at = offset;
  let next: number | undefined;
  for (let jumps = 0; ; ) {
    if (at >= bytes.length) return undefined;
    const size = bytes[at]!;
    if (size === 0) {
      next ??= at + 1;
      break;
    }
    if ((size & 0xc0) === 0xc0) {
      if (at + 1 >= bytes.length || ++jumps > MAX_POINTERS) return undefined;
      next ??= at + 2;
      at = ((size & 0x3f) << 8) | bytes[at + 1]!;
      continue;
    }
    if ((size & 0xc0) !== 0) return undefined;
    if (at + 1 + size > bytes.length) return undefined;
    length += size + 1;
    if (length > MAX_NAME_LENGTH) return undefined;
    labels.push(String.fromCharCode(...bytes.subarray(at + 1, at + 1 + size)).toLowerCase());
    at += 1 + size;
  }
  return { name: labels.join('.'), next };
}

function ipv6Text(bytes: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  // The longest run of zero groups (at least two) collapses to `::`, as inet_ntop writes it.
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength && j - i >= 2) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** Decodes one DNS message (UDP payload; for TCP strip the 2-byte length first). */
export function decodeDnsMessage(bytes: Uint8Array): DnsMessage | undefined {
  if (bytes.length < 12) return undefined;
  const u16 = (at: number) => (bytes[at]! << 8) | bytes[at + 1]!;
  const id = u16(0);
  const flags = u16(2);
  const qdcount = u16(4);
  const ancount = u16(6);
  if (qdcount > MAX_RECORDS || ancount > MAX_RECORDS) return undefined;
  let at = 12;
  const questions: DnsQuestion[] = [];
  for (let i = 0; i < qdcount; i++) {
    const name = readName(bytes, at);
    if (!name || name.next + 4 > bytes.length) return undefined;
    questions.push({ name: name.name, type: u16(name.next) });
    at = name.next + 4;
  }
  const answers: DnsAnswer[] = [];
  for (let i = 0; i < ancount; i++) {
    const name = readName(bytes, at);
    if (!name || name.next + 10 > bytes.length) return undefined;
    const type = u16(name.next);
    const ttl = ((u16(name.next + 4) << 16) >>> 0) + u16(name.next + 6);
    const rdlength = u16(name.next + 8);
    const rdata = name.next + 10;
    if (rdata + rdlength > bytes.length) return undefined;
    const answer: DnsAnswer = { name: name.name, type, ttl };
    if (type === DNS_TYPE.A && rdlength === 4) answer.address = Array.from(bytes.subarray(rdata, rdata + 4)).join('.');
    else if (type === DNS_TYPE.AAAA && rdlength === 16) answer.address = ipv6Text(bytes.subarray(rdata, rdata + 16));
    else if (type === DNS_TYPE.CNAME) {
      const target = readName(bytes, rdata);
      if (!target) return undefined;
      answer.cname = target.name;
    }
    answers.push(answer);
    at = rdata + rdlength;
  }
  return { id, isResponse: (flags & 0x8000) !== 0, rcode: flags & 0x0f, questions, answers };
}

/**
 * The addresses an answer gives for its first question, following CNAME chains inside the
 * message (bounded: a CNAME loop ends the walk).
 */
export function answerAddresses(message: DnsMessage): string[] {
  const question = message.questions[0];
  if (!question) return [];
  const names = new Set([question.name]);
  for (let changed = true, rounds = 0; changed && rounds < MAX_POINTERS; rounds++) {
    changed = false;
    for (const answer of message.answers) {
      if (answer.cname && names.has(answer.name) && !names.has(answer.cname)) {
        names.add(answer.cname);
        changed = true;
      }
    }
  }
  const addresses: string[] = [];
  for (const answer of message.answers) {
    if (answer.address && names.has(answer.name) && !addresses.includes(answer.address)) addresses.push(answer.address);
  }
  return addresses;
}
