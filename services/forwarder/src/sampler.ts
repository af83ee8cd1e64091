import type { ExeHasher } from './proc/exe-hasher.js';
import { NAME_LOOKUP_FILES } from './proc/parse-fd-link.js';
import { isLoopback, isUnspecified, TCP_LISTEN, TCP_SYN_RECV, type NetSocket } from './proc/parse-net-table.js';
import type { ProcStat } from './proc/parse-stat.js';
import type { ProcReader } from './proc/proc-reader.js';

export interface ObservedProcess {
  exe: string;
  /** Executable of the process that started it, when that one was seen too. */
  parent?: string;
  /** The binary was deleted while it ran: a classic way to hide a dropped payload. */
  deleted?: boolean;
}

export interface ObservedConnection {
  ip: string;
  port: number;
  protocol: 'tcp' | 'udp';
  /** true when a name lookup was seen at or before the sample that first saw the connection. */
  resolved?: true;
}

export interface Observation {
  samples: number;
  /** Highest utime+stime+cutime+cstime summed over the live tree, in clock ticks. */
  cpuTicks: number;
  maxRssBytes: number;
  /** Distinct processes (pid + start time) seen in the tree. */
  processCount: number;
  processes: ObservedProcess[];
  egress: ObservedConnection[];
  /** Sum of the last write_bytes seen per process (/proc/<pid>/io); undefined when io was never readable. */
  diskWriteBytes?: number;
}

export interface SamplerOptions {
  reader: ProcReader;
  hasher: ExeHasher;
  rootPid: number;
  intervalMs: number;
  ignoreLoopback: boolean;
  pageSize: number;
}

export interface Sampler {
  start(): void;
  /** One sample now (tests and the final look before the child is reaped). */
  sampleOnce(): Promise<void>;
  /** Stops the timer, waits for a sample in flight, and says what was seen. */
  stop(): Promise<Observation>;
}

interface TreeMember {
  stat: ProcStat;
  identity: string;
}

/**
 * Polls /proc for the process tree under `rootPid`. Polling misses what lives and dies
 * between two ticks; the README lists what that means for each measure.
 */
export function createSampler(options: SamplerOptions): Sampler {
  const { reader, hasher } = options;
  const known = new Set<string>();
  const processes = new Map<string, ObservedProcess>();
  const connections = new Map<string, ObservedConnection>();
  const writeBytes = new Map<string, number>();
  const listeningPorts = new Set<number>();
  /** Socket inodes already judged (egress recorded, inbound, listening or unix). */
  const settled = new Set<number>();
  let samples = 0;
  let cpuTicks = 0;
  let maxRssBytes = 0;
  let lookupSeen = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  let stopped = false;

  async function findTree(): Promise<TreeMember[]> {
    const stats = (await Promise.all((await reader.listPids()).map((pid) => reader.stat(pid)))).filter(
      (stat): stat is ProcStat => stat !== undefined,
    );
    const children = new Map<number, ProcStat[]>();
    for (const stat of stats) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat]);
    // Processes seen before stay members after being re-parented (a daemon left behind by `cmd &`).
    const roots = stats.filter((stat) => stat.pid === options.rootPid || known.has(identityOf(stat)));
    const members = new Map<number, TreeMember>();
    const queue = [...roots];
    while (queue.length > 0) {
      const stat = queue.shift()!;
      if (members.has(stat.pid)) continue;
      members.set(stat.pid, { stat, identity: identityOf(stat) });
      queue.push(...(children.get(stat.pid) ?? []));
    }
    return [...members.values()];
  }

  async function sample(): Promise<void> {
    const tree = await findTree();
    if (tree.length === 0) return;
    samples += 1;
    let ticks = 0;
    let rssPages = 0;
    for (const { stat, identity } of tree) {
      known.add(identity);
      ticks += stat.utime + stat.stime + stat.cutime + stat.cstime;
      rssPages += stat.rssPages;
    }
    cpuTicks = Math.max(cpuTicks, ticks);
    maxRssBytes = Math.max(maxRssBytes, rssPages * options.pageSize);

    const details = await Promise.all(
      tree.map(async (member) => ({
        member,
        exe: await reader.exe(member.stat.pid),
        fds: await reader.fds(member.stat.pid),
        io: await reader.io(member.stat.pid),
      })),
    );
    const exeByPid = new Map(details.flatMap(({ member, exe }) => (exe ? [[member.stat.pid, exe.path] as const] : [])));
    const inodes = new Set<number>();
    for (const { member, exe, fds, io } of details) {
      if (exe) recordProcess(member.stat, exe, exeByPid);
      if (io?.write_bytes !== undefined) writeBytes.set(member.identity, io.write_bytes);
      for (const fd of fds) {
        if (fd.kind === 'socket' && !settled.has(fd.inode)) inodes.add(fd.inode);
        if (fd.kind === 'file' && NAME_LOOKUP_FILES.has(fd.path)) lookupSeen = true;
      }
    }
    if (inodes.size > 0) await judgeSockets(inodes, tree[0]!.stat.pid);
  }

  function recordProcess(stat: ProcStat, exe: { path: string; deleted: boolean }, exeByPid: Map<number, string>): void {
    const procExe = `${reader.root}/${stat.pid}/exe`;
    hasher.hash(exe.path, exe.deleted ? [procExe] : [procExe, exe.path]);
    const seen = processes.get(exe.path);
    if (seen) {
      // Deleted after the first sighting still counts: that is when a dropper cleans up.
      if (exe.deleted) seen.deleted = true;
      return;
    }
    const parent = exeByPid.get(stat.ppid);
    processes.set(exe.path, { exe: exe.path, ...(parent ? { parent } : {}), ...(exe.deleted ? { deleted: true } : {}) });
  }

  async function judgeSockets(inodes: Set<number>, namespacePid: number): Promise<void> {
    const [sockets, unix] = await Promise.all([reader.netSockets(namespacePid), reader.unixInodes(namespacePid)]);
    for (const inode of inodes) if (unix.has(inode)) settled.add(inode);
    const ours = sockets.filter((socket) => inodes.has(socket.inode) && socket.inode !== 0);
    for (const socket of ours) {
      if (socket.state === TCP_LISTEN && socket.protocol.startsWith('tcp')) {
        listeningPorts.add(socket.localPort);
        settled.add(socket.inode);
      }
      if (socket.remotePort === 53) lookupSeen = true;
    }
    for (const socket of ours) {
      // Unconnected sockets stay pending: they may connect before the next sample.
      if (settled.has(socket.inode) || isUnspecified(socket.remoteIp) || socket.remotePort === 0) continue;
      settled.add(socket.inode);
      if (isInbound(socket)) continue;
      if (options.ignoreLoopback && isLoopback(socket.remoteIp)) continue;
      const protocol = socket.protocol.startsWith('tcp') ? 'tcp' : 'udp';
      const key = `${protocol}|${socket.remoteIp}|${socket.remotePort}`;
      if (!connections.has(key)) {
        connections.set(key, { ip: socket.remoteIp, port: socket.remotePort, protocol, ...(lookupSeen ? { resolved: true as const } : {}) });
      }
    }
  }

  function isInbound(socket: NetSocket): boolean {
    return socket.protocol.startsWith('tcp') && (socket.state === TCP_SYN_RECV || listeningPorts.has(socket.localPort));
  }

  function runSample(): Promise<void> {
    // One sample at a time: a slow /proc walk delays the next tick instead of piling up.
    inFlight ??= sample()
      .catch(() => undefined)
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      void runSample().then(schedule);
    }, options.intervalMs);
    timer.unref();
  }

  return {
    start() {
      void runSample().then(schedule);
    },
    sampleOnce: runSample,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await inFlight;
      return {
        samples,
        cpuTicks,
        maxRssBytes,
        processCount: known.size,
        processes: [...processes.values()],
        egress: [...connections.values()],
        ...(writeBytes.size > 0 ? { diskWriteBytes: [...writeBytes.values()].reduce((sum, value) => sum + value, 0) } : {}),
      };
    },
  };
}

function identityOf(stat: ProcStat): string {
  return `${stat.pid}:${stat.starttime}`;
}
