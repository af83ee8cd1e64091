/**
 * Pure: the host name a client announces in the first bytes it sends on a TCP connection,
 * from a TLS ClientHello's server_name extension or an HTTP/1.x request's Host header.
 * Only the first `-s` bytes are visible in the trace, so a cut ClientHello is read as far
 * as it goes.
 */
import { isIP } from 'node:net';

export interface FirstBytesHost {
  protocol: 'tls' | 'http';
  host: string;
}

const HOST_NAME = /^[a-z0-9._-]{1,253}$/;

/** The SNI host name of a TLS ClientHello (record type 22, handshake type 1), or undefined. */
export function tlsServerName(bytes: Uint8Array): string | undefined {
  // Record header (5) + handshake header (4) + version (2) + random (32).
  if (bytes.length < 43 || bytes[0] !== 0x16 || bytes[1] !== 0x03 || bytes[5] !== 0x01) return undefined;
  const u16 = (at: number) => (at + 1 < bytes.length ? (bytes[at]! << 8) | bytes[at + 1]! : -1);
  let at = 43;
  const sessionId = bytes[at];
  if (sessionId === undefined) return undefined;
  at += 1 + sessionId;
  const suites = u16(at);
  if (suites < 0) return undefined;
  at += 2 + suites;
  const compression = bytes[at];
  if (compression === undefined) return undefined;
  at += 1 + compression;
  const extensionsLength = u16(at);
  if (extensionsLength < 0) return undefined;
  at += 2;
  const end = Math.min(bytes.length, at + extensionsLength);
  while (at + 4 <= end) {
    const type = u16(at);
    const length = u16(at + 2);
    at += 4;
    if (type === 0x0000) {
      // server_name_list: u16 length, then entries of (type u8, u16 length, name).
      let entry = at + 2;
      const listEnd = Math.min(end, at + length);
      while (entry + 3 <= listEnd) {
        const nameType = bytes[entry]!;
        const nameLength = u16(entry + 1);
        const start = entry + 3;
        if (nameLength < 0 || start + nameLength > bytes.length) return undefined;
        if (nameType === 0) {
          const name = String.fromCharCode(...bytes.subarray(start, start + nameLength)).toLowerCase().replace(/\.$/, '');
          return HOST_NAME.test(name) ? name : undefined;
        }
        entry = start + nameLength;
      }
      return undefined;
    }
    at += length;
  }
  return undefined;
}

/** The Host header of an HTTP/1.x request (port stripped, lower case), or undefined. */
export function httpHost(bytes: Uint8Array): string | undefined {
  const text = Buffer.from(bytes.subarray(0, 8192)).toString('latin1');
  if (!/^[A-Z]{3,10} \S+ HTTP\/1\.[01]\r?\n/.test(text)) return undefined;
  const headerEnd = text.search(/\r?\n\r?\n/);
  // Up to the blank line (each header then ends in a newline), or all of a cut request.
  const headers = headerEnd < 0 ? text : `${text.slice(0, headerEnd)}\n`;
  // The header line must be complete: a value cut by `-s` would be a wrong name.
  const match = /\nhost:[ \t]*([^\r\n]*)\r?\n/i.exec(headers);
  if (!match) return undefined;
  const value = match[1]!.trim().toLowerCase();
  const bracketed = /^\[([0-9a-f:.]+)\](?::\d+)?$/.exec(value);
  const host = bracketed ? bracketed[1]! : value.replace(/:\d+$/, '');
  // An IP literal names nothing beyond the address already known.
  if (bracketed || isIP(host) !== 0) return undefined;
  return HOST_NAME.test(host) ? host : undefined;
}

/** Whichever of the two the bytes are. */
export function hostFromFirstBytes(bytes: Uint8Array): FirstBytesHost | undefined {
  const sni = tlsServerName(bytes);
  if (sni) return { protocol: 'tls', host: sni };
  const host = httpHost(bytes);
  return host ? { protocol: 'http', host } : undefined;
}
