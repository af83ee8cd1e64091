export type NetProtocol = 'tcp' | 'tcp6' | 'udp' | 'udp6';

export interface NetSocket {
  protocol: NetProtocol;
  localIp: string;
  localPort: number;
  remoteIp: string;
  remotePort: number;
  /** Kernel state number: for TCP 1 = ESTABLISHED, 2 = SYN_SENT, 10 = LISTEN; for UDP 1 = connected, 7 = unconnected. */
  state: number;
  inode: number;
}

export const TCP_LISTEN = 0x0a;
export const TCP_SYN_RECV = 0x03;

/**
 * Parses /proc/net/{tcp,tcp6,udp,udp6}. Addresses are printed as 32-bit words in the
 * host's byte order, so `littleEndian` must match the machine that wrote the text.
 */
export function parseNetTable(text: string, protocol: NetProtocol, littleEndian = true): NetSocket[] {
  const sockets: NetSocket[] = [];
  for (const line of text.split('\n').slice(1)) {
    const columns = line.trim().split(/\s+/);
    if (columns.length < 10) continue;
    const local = decodeEndpoint(columns[1]!, littleEndian);
    const remote = decodeEndpoint(columns[2]!, littleEndian);
    const state = Number.parseInt(columns[3]!, 16);
    const inode = Number(columns[9]);
    if (!local || !remote || !Number.isFinite(state) || !Number.isFinite(inode)) continue;
    sockets.push({ protocol, localIp: local.ip, localPort: local.port, remoteIp: remote.ip, remotePort: remote.port, state, inode });
  }
  return sockets;
}

/** `0100007F:1F90` → 127.0.0.1:8080. */
export function decodeEndpoint(text: string, littleEndian = true): { ip: string; port: number } | undefined {
  const [address, port] = text.split(':');
  if (address === undefined || port === undefined || !/^[0-9A-Fa-f]+$/.test(address + port)) return undefined;
  const ip = decodeHexAddress(address, littleEndian);
  return ip === undefined ? undefined : { ip, port: Number.parseInt(port, 16) };
}

/** 8 hex digits → IPv4; 32 → IPv6, with IPv4-mapped addresses given back as plain IPv4. */
export function decodeHexAddress(hex: string, littleEndian = true): string | undefined {
  if (hex.length !== 8 && hex.length !== 32) return undefined;
  const bytes: number[] = [];
  for (let word = 0; word < hex.length; word += 8) {
    const wordBytes = [0, 2, 4, 6].map((at) => Number.parseInt(hex.slice(word + at, word + at + 2), 16));
    bytes.push(...(littleEndian ? wordBytes.reverse() : wordBytes));
  }
  if (bytes.length === 4) return bytes.join('.');
  const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  if (mapped) return bytes.slice(12).join('.');
  return formatIpv6(bytes);
}

/** RFC 5952 text: lower case, no leading zeros, the longest run of ≥ 2 zero groups as `::`. */
export function formatIpv6(bytes: readonly number[]): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; start += 1) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === 0) length += 1;
    if (length > bestLength) {
      bestStart = start;
      bestLength = length;
    }
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

export function isLoopback(ip: string): boolean {
  return ip.startsWith('127.') || ip === '::1';
}

export function isUnspecified(ip: string): boolean {
  return ip === '0.0.0.0' || ip === '::';
}

/** Inodes listed in /proc/net/unix: sockets that can never be network egress. */
export function parseUnixInodes(text: string): Set<number> {
  const inodes = new Set<number>();
  for (const line of text.split('\n').slice(1)) {
    const inode = Number(line.trim().split(/\s+/)[6]);
    if (Number.isInteger(inode) && inode > 0) inodes.add(inode);
  }
  return inodes;
}
