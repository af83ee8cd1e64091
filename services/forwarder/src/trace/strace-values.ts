/**
 * Pure decoders for strace's argument syntax as printed with `-yy -xx`: every string is
 * `\xHH`-escaped (so quotes, commas and brackets inside data never confuse the scanner),
 * fds carry `<...>` annotations (paths hex-escaped, sockets as `TCP:[a:p->b:q]`).
 * Nothing here throws on odd input: a decoder that cannot make sense of a value returns undefined.
 */

const OPENERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/**
 * Index just past the annotation that opens at `start` (a `<`), or -1. Annotations nest
 * (`3</dev/null<char 1:3>>`) and contain `->` between socket ends, which is not a closer.
 */
export function annotationEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '<') depth++;
    else if (c === '>' && text[i - 1] !== '-') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/** Index just past the quoted string that opens at `start` (a `"`), or the text's length. */
export function quotedEnd(text: string, start: number): number {
  // Jump from quote to quote (strings are long runs of \xHH); a quote ends the string
  // unless an odd number of backslashes stands right before it.
  for (let from = start + 1; ; ) {
    const quote = text.indexOf('"', from);
    if (quote < 0) return text.length;
    let slashes = 0;
    while (quote - slashes - 1 > start && text.charCodeAt(quote - slashes - 1) === 92) slashes++;
    if (slashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

/** A `<` opens an fd annotation only right after a value (`3<`, `AT_FDCWD<`), never in `=>`. */
function opensAnnotation(text: string, i: number): boolean {
  return i > 0 && /[0-9A-Za-z_]/.test(text[i - 1] ?? '');
}

/**
 * Splits an argument list at top-level commas, respecting quotes, brackets and fd
 * annotations. Pieces are trimmed; an empty list gives [].
 */
export function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  const closers: string[] = [];
  let from = 0;
  let i = 0;
  while (i < text.length) {
    const skipped = skipOpaque(text, i);
    if (skipped !== undefined) {
      i = skipped < 0 ? text.length : skipped;
      continue;
    }
    const c = text[i]!;
    const closer = OPENERS[c];
    if (closer) closers.push(closer);
    else if (c === closers[closers.length - 1]) closers.pop();
    else if (c === ',' && closers.length === 0) {
      parts.push(text.slice(from, i).trim());
      from = i + 1;
    }
    i++;
  }
  const last = text.slice(from).trim();
  if (last !== '' || parts.length > 0) parts.push(last);
  return parts;
}

/**
 * At a string, an fd annotation or a comment (none of which may count as brackets or
 * commas): the index just past it, -1 when it never closes; undefined anywhere else.
 */
function skipOpaque(text: string, i: number): number | undefined {
  const c = text[i];
  if (c === '"') return quotedEnd(text, i);
  if (c === '<' && opensAnnotation(text, i)) return annotationEnd(text, i);
  if (c === '/' && text[i + 1] === '*') {
    const end = text.indexOf('*/', i + 2);
    return end < 0 ? -1 : end + 2;
  }
  return undefined;
}

/** Index of the bracket closing the one at `start`, skipping strings and annotations; -1 if unclosed. */
export function matchingClose(text: string, start: number): number {
  const closers: string[] = [];
  let i = start;
  while (i < text.length) {
    const skipped = skipOpaque(text, i);
    if (skipped !== undefined) {
      if (skipped < 0) return -1;
      i = skipped;
      continue;
    }
    const c = text[i]!;
    const closer = OPENERS[c];
    if (closer) closers.push(closer);
    else if (c === closers[closers.length - 1]) {
      closers.pop();
      if (closers.length === 0) return i;
    }
    i++;
  }
  return -1;
}

export interface CString {
  bytes: Buffer;
  /** strace cut the string at `-s` bytes (printed as `"..."...`). */
  truncated: boolean;
}

const SIMPLE_ESCAPES: Record<string, number> = { n: 10, t: 9, r: 13, v: 11, f: 12, a: 7, b: 8, '\\': 92, '"': 34, "'": 39, '?': 63 };

/** Decodes one C string literal as strace prints it (`"\x2f\x62"`, optionally followed by `...`). */
export function parseCString(token: string): CString | undefined {
  const text = token.trim();
  if (!text.startsWith('"')) return undefined;
  const end = quotedEnd(text, 0);
  if (end > text.length || text[end - 1] !== '"' || end < 2) return undefined;
  const rest = text.slice(end);
  if (rest !== '' && rest !== '...') return undefined;
  // With -xx nearly every byte is `\xHH`: decode into a buffer sized for the worst case
  // (one byte per character), by char codes, without a regex or a substring per byte.
  const bytes = Buffer.allocUnsafe(end);
  let n = 0;
  for (let i = 1; i < end - 1; i++) {
    const code = text.charCodeAt(i);
    if (code !== 92 /* \ */) {
      bytes[n++] = code & 0xff;
      continue;
    }
    const next = text[i + 1] ?? '';
    const high = next === 'x' ? hexValue(text.charCodeAt(i + 2)) : -1;
    const low = high >= 0 ? hexValue(text.charCodeAt(i + 3)) : -1;
    if (low >= 0) {
      bytes[n++] = high * 16 + low;
      i += 3;
    } else if (next >= '0' && next <= '7') {
      const octal = /^[0-7]{1,3}/.exec(text.slice(i + 1))![0];
      bytes[n++] = parseInt(octal, 8) & 0xff;
      i += octal.length;
    } else if (next in SIMPLE_ESCAPES) {
      bytes[n++] = SIMPLE_ESCAPES[next]!;
      i += 1;
    } else {
      bytes[n++] = 92;
    }
  }
  return { bytes: Buffer.from(bytes.subarray(0, n)), truncated: rest === '...' };
}

/** 0-15 for an ASCII hex digit's char code, else -1. */
function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  return -1;
}

/** A decoded C string as text (UTF-8, invalid bytes replaced): paths, argv entries. */
export function parseCText(token: string): string | undefined {
  return parseCString(token)?.bytes.toString('utf8');
}

export interface StringArray {
  items: CString[];
  /** More elements than strace printed (a trailing `...`), or the array itself was cut. */
  truncated: boolean;
}

/** `["\x73\x68", "\x2d\x63"...]` or `[..., ...]` (argv); undefined for anything else (e.g. a bare pointer). */
export function parseStringArray(token: string): StringArray | undefined {
  const text = token.trim();
  if (!text.startsWith('[')) return undefined;
  const close = matchingClose(text, 0);
  if (close < 0) return undefined;
  let truncated = false;
  const items: CString[] = [];
  for (const part of splitTopLevel(text.slice(1, close))) {
    if (part === '...') {
      truncated = true;
      continue;
    }
    const value = parseCString(part);
    if (!value) return undefined;
    items.push(value);
  }
  return { items, truncated };
}

export interface FdArg {
  /** The fd number; -100 for AT_FDCWD. */
  fd: number;
  annotation?: string;
}

/** `3</tmp/x>`, `5<TCP:[...]>`, `AT_FDCWD<\x2f\x74>`, `7` → the fd and its raw annotation text. */
export function parseFdArg(token: string): FdArg | undefined {
  const match = /^(-?\d+|AT_FDCWD)(<.*>)?$/s.exec(token.trim());
  if (!match) return undefined;
  const fd = match[1] === 'AT_FDCWD' ? -100 : Number(match[1]);
  const raw = match[2];
  if (!raw) return { fd };
  if (annotationEnd(raw, 0) !== raw.length) return undefined;
  return { fd, annotation: raw.slice(1, -1) };
}

/** Decodes hex escapes in annotation text (paths are printed escaped, without quotes). */
function decodeEscapedBare(text: string): string {
  return parseCString(`"${text.replace(/"/g, '\\"')}"`)?.bytes.toString('utf8') ?? text;
}

export interface Endpoint {
  ip: string;
  port: number;
}

export type FdInfo =
  | { kind: 'path'; path: string; device?: string }
  | { kind: 'socket'; protocol: string; local?: Endpoint; remote?: Endpoint; inode?: number }
  | { kind: 'other'; text: string };

function parseEndpoint(text: string): Endpoint | undefined {
  const v6 = /^\[([0-9a-fA-F:.]+)\]:(\d+)$/.exec(text);
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d+)$/.exec(text);
  const match = v6 ?? v4;
  if (!match) return undefined;
  return { ip: normalizeIp(match[1]!), port: Number(match[2]) };
}

/**
 * What an fd annotation says: an absolute path (a `<char 1:3>` suffix marks a device), or a
 * socket with its ends. Connected inet sockets read `TCP:[127.0.0.1:5000->127.0.0.2:80]`, a bound
 * unconnected one `UDP:[0.0.0.0:39023]`, a fresh one only its inode `TCP:[6238]`.
 */
export function parseFdAnnotation(annotation: string): FdInfo {
  if (annotation.startsWith('\\x2f') || annotation.startsWith('/')) {
    const nested = annotation.indexOf('<');
    const path = decodeEscapedBare(nested < 0 ? annotation : annotation.slice(0, nested));
    if (nested < 0) return { kind: 'path', path };
    return { kind: 'path', path, device: annotation.slice(nested + 1, annotation.endsWith('>') ? -1 : undefined) };
  }
  const socket = /^([A-Za-z0-9-]+):\[(.*)\]$/s.exec(annotation);
  if (!socket) return { kind: 'other', text: annotation };
  const protocol = socket[1]!;
  const body = socket[2]!;
  if (/^\d+$/.test(body)) return { kind: 'socket', protocol, inode: Number(body) };
  const arrow = body.indexOf('->');
  if (arrow < 0) {
    const local = parseEndpoint(body);
    return local ? { kind: 'socket', protocol, local } : { kind: 'socket', protocol };
  }
  const local = parseEndpoint(body.slice(0, arrow));
  const remote = parseEndpoint(body.slice(arrow + 2));
  return { kind: 'socket', protocol, ...(local ? { local } : {}), ...(remote ? { remote } : {}) };
}

/** `tcp`/`udp` for inet socket annotations (TCP, TCPv6, UDP, UDPv6, UDPLITE...), else undefined. */
export function transportOf(protocol: string): 'tcp' | 'udp' | undefined {
  if (/^TCP(v6)?$/.test(protocol)) return 'tcp';
  if (/^UDP(v6)?$/.test(protocol)) return 'udp';
  return undefined;
}

/** IPv4-mapped IPv6 (`::ffff:1.2.3.4`) as plain IPv4, so it matches DNS A answers; IPv6 lower-cased. */
export function normalizeIp(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  return mapped ? mapped[1]! : ip.toLowerCase();
}

export type Sockaddr =
  | { family: 'AF_INET' | 'AF_INET6'; ip: string; port: number }
  | { family: 'AF_UNIX'; path?: string }
  | { family: string };

/** Fields of a `{key=value, ...}` struct, keeping nested values raw. Positional items get their index. */
export function parseStruct(token: string): Map<string, string> | undefined {
  const text = token.trim();
  if (!text.startsWith('{')) return undefined;
  const close = matchingClose(text, 0);
  if (close < 0) return undefined;
  const fields = new Map<string, string>();
  splitTopLevel(text.slice(1, close)).forEach((part, index) => {
    const eq = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(part);
    if (eq) fields.set(eq[1]!, part.slice(eq[0].length));
    else fields.set(String(index), part);
  });
  return fields;
}

/**
 * `{sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("127.0.0.1")}` and the AF_INET6
 * form with `inet_pton(AF_INET6, "::1", &sin6_addr)`; AF_UNIX gives its path.
 */
export function parseSockaddr(token: string): Sockaddr | undefined {
  const fields = parseStruct(token);
  const family = fields?.get('sa_family');
  if (!fields || !family) return undefined;
  if (family === 'AF_INET') {
    const port = /^htons\((\d+)\)$/.exec(fields.get('sin_port') ?? '');
    const addr = /^inet_addr\((".*")\)$/.exec(fields.get('sin_addr') ?? '');
    const ip = addr ? parseCText(addr[1]!) : undefined;
    if (!port || !ip) return { family };
    return { family, ip, port: Number(port[1]) };
  }
  if (family === 'AF_INET6') {
    const port = /^htons\((\d+)\)$/.exec(fields.get('sin6_port') ?? '');
    let ip: string | undefined;
    for (const value of fields.values()) {
      const pton = /^inet_pton\(AF_INET6,\s*(".*"),\s*&sin6_addr\)$/.exec(value);
      if (pton) ip = parseCText(pton[1]!);
    }
    if (!port || !ip) return { family };
    return { family, ip: normalizeIp(ip), port: Number(port[1]) };
  }
  if (family === 'AF_UNIX') {
    const path = fields.get('sun_path');
    const decoded = path ? parseCText(path.replace(/^@/, '')) : undefined;
    return decoded === undefined ? { family } : { family, path: decoded };
  }
  return { family };
}

export function isInetSockaddr(address: Sockaddr | undefined): address is { family: 'AF_INET' | 'AF_INET6'; ip: string; port: number } {
  return !!address && (address.family === 'AF_INET' || address.family === 'AF_INET6') && 'ip' in address;
}

export interface Msghdr {
  name?: Sockaddr;
  /** The iov buffers as printed (strace shows at most `-s` bytes and only what was transferred). */
  iov: CString[];
}

/** `{msg_name=..., msg_iov=[{iov_base="...", iov_len=N}, ...], ...}` of sendmsg/recvmsg. */
export function parseMsghdr(token: string): Msghdr | undefined {
  const fields = parseStruct(token);
  if (!fields) return undefined;
  const iov: CString[] = [];
  const iovText = fields.get('msg_iov');
  if (iovText?.startsWith('[')) {
    const close = matchingClose(iovText, 0);
    for (const element of close < 0 ? [] : splitTopLevel(iovText.slice(1, close))) {
      const base = parseStruct(element)?.get('iov_base');
      const value = base ? parseCString(base) : undefined;
      if (value) iov.push(value);
    }
  }
  const nameText = fields.get('msg_name');
  const name = nameText ? parseSockaddr(nameText) : undefined;
  return name ? { name, iov } : { iov };
}

export interface Mmsg {
  hdr: Msghdr;
  /** Bytes this message carried (`msg_len`). */
  len: number;
}

/** The vector of sendmmsg/recvmmsg: `[{msg_hdr={...}, msg_len=31}, ...]`. */
export function parseMmsgVector(token: string): Mmsg[] | undefined {
  const text = token.trim();
  if (!text.startsWith('[')) return undefined;
  const close = matchingClose(text, 0);
  if (close < 0) return undefined;
  const messages: Mmsg[] = [];
  for (const element of splitTopLevel(text.slice(1, close))) {
    const fields = parseStruct(element);
    const hdr = fields?.get('msg_hdr');
    const parsed = hdr ? parseMsghdr(hdr) : undefined;
    if (!parsed) continue;
    messages.push({ hdr: parsed, len: Number(fields?.get('msg_len') ?? 0) || 0 });
  }
  return messages;
}

export interface OpenFlags {
  /** Opened for writing (O_WRONLY or O_RDWR), or it creates or truncates: a change to the file is possible. */
  write: boolean;
  create: boolean;
  truncate: boolean;
  append: boolean;
}

/** `O_WRONLY|O_CREAT|O_TRUNC` (or openat2's `{flags=..., ...}`) → what the open may do to the file. */
export function parseOpenFlags(token: string): OpenFlags {
  let text = token.trim();
  const struct = parseStruct(text);
  if (struct) text = struct.get('flags') ?? '';
  const flags = new Set(text.split('|').map((flag) => flag.trim()));
  const create = flags.has('O_CREAT') || flags.has('O_TMPFILE');
  const truncate = flags.has('O_TRUNC');
  const append = flags.has('O_APPEND');
  return { write: flags.has('O_WRONLY') || flags.has('O_RDWR') || create || truncate, create, truncate, append };
}
