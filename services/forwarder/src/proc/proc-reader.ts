import { readFile, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { parseFdLink, parseExeLink, type FdTarget } from './parse-fd-link.js';
import { parseNetTable, parseUnixInodes, type NetProtocol, type NetSocket } from './parse-net-table.js';
import { parseNetDev, parseProcIo, parsePageSize } from './parse-misc.js';
import { parseProcStat, type ProcStat } from './parse-stat.js';

/** Most processes hold a few dozen fds; reading thousands every tick would cost more than it tells. */
const MAX_FDS_PER_PROCESS = 4096;

/**
 * Reads what the sampler needs from a procfs mount. Every read of a process may fail
 * because the process just exited: those answer undefined / empty, never throw.
 */
export interface ProcReader {
  root: string;
  listPids(): Promise<number[]>;
  stat(pid: number | 'self'): Promise<ProcStat | undefined>;
  exe(pid: number): Promise<{ path: string; deleted: boolean } | undefined>;
  fds(pid: number): Promise<FdTarget[]>;
  io(pid: number): Promise<Record<string, number> | undefined>;
  /** The inet sockets of the network namespace `pid` lives in. */
  netSockets(pid: number): Promise<NetSocket[]>;
  unixInodes(pid: number): Promise<Set<number>>;
  pageSize(): Promise<number>;
  /** Bytes in and out of this network namespace's non-loopback interfaces so far. */
  netDev(): Promise<{ rx: number; tx: number } | undefined>;
}

export function createProcReader(root = '/proc', littleEndian = true): ProcReader {
  const text = (path: string): Promise<string | undefined> => readFile(join(root, path), 'utf8').catch(() => undefined);
  return {
    root,
    async netDev() {
      const body = await text('net/dev');
      return body === undefined ? undefined : parseNetDev(body);
    },
    async listPids() {
      const names = await readdir(root).catch(() => [] as string[]);
      return names.filter((name) => /^\d+$/.test(name)).map(Number);
    },
    async stat(pid) {
      const body = await text(`${pid}/stat`);
      return body === undefined ? undefined : parseProcStat(body);
    },
    async exe(pid) {
      const link = await readlink(join(root, String(pid), 'exe')).catch(() => undefined);
      return link === undefined ? undefined : parseExeLink(link);
    },
    async fds(pid) {
      const dir = join(root, String(pid), 'fd');
      const names = (await readdir(dir).catch(() => [] as string[])).slice(0, MAX_FDS_PER_PROCESS);
      const links = await Promise.all(names.map((name) => readlink(join(dir, name)).catch(() => undefined)));
      return links.filter((link): link is string => link !== undefined).map(parseFdLink);
    },
    async io(pid) {
      const body = await text(`${pid}/io`);
      return body === undefined ? undefined : parseProcIo(body);
    },
    async netSockets(pid) {
      const protocols: NetProtocol[] = ['tcp', 'tcp6', 'udp', 'udp6'];
      const tables = await Promise.all(protocols.map((protocol) => text(`${pid}/net/${protocol}`)));
      return tables.flatMap((table, i) => (table === undefined ? [] : parseNetTable(table, protocols[i]!, littleEndian)));
    },
    async unixInodes(pid) {
      const body = await text(`${pid}/net/unix`);
      return body === undefined ? new Set() : parseUnixInodes(body);
    },
    async pageSize() {
      // smaps is long; the first mapping's page size is on its first lines.
      const body = await text('self/smaps');
      return (body === undefined ? undefined : parsePageSize(body.slice(0, 4096))) ?? 4096;
    },
  };
}
