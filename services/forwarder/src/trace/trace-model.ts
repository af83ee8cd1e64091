/**
 * The stateful reducer from strace lines to sensor events. It keeps only what the lines
 * cannot say on their own: which thread belongs to which process, each process's parent
 * and cwd, and which IPs DNS answers named. Everything else comes from `-yy` annotations.
 */
import { posix } from 'node:path';
import { interpreterScript } from './interpreter-script.js';
import { answerAddresses, decodeDnsMessage } from './dns-message.js';
import { hostFromFirstBytes } from './first-bytes.js';
import type { ExecEvent, SensorEvent } from './sensor-events.js';
import { createCallJoiner, parseStraceLine, type JoinedRecord, type SyscallRecord } from './strace-line.js';
import {
  isInetSockaddr,
  parseCString,
  parseCText,
  parseFdAnnotation,
  parseFdArg,
  parseMmsgVector,
  parseMsghdr,
  parseOpenFlags,
  parseSockaddr,
  parseStringArray,
  parseStruct,
  splitTopLevel,
  transportOf,
  type CString,
  type Endpoint,
  type Sockaddr,
} from './strace-values.js';

/** connect() errnos that mean "under way", not "failed". */
const IN_PROGRESS = new Set(['EINPROGRESS', 'EALREADY', 'EISCONN', 'EAGAIN']);

export interface TraceModelOptions {
  /** The clock for `at` (ms since the epoch). */
  now?: () => number;
  /** The traced command's starting directory, for relative paths before any `AT_FDCWD<...>` shows it. */
  cwd?: string;
  /** Ports whose traffic is DNS (decoded, reported as `dns`, not as `traffic`). Default [53]. */
  dnsPorts?: readonly number[];
}

export interface TraceStats {
  lines: number;
  /** Lines that were not strace output the parser knows (should stay 0). */
  unparsed: number;
  events: number;
}

export interface TraceModel {
  /** One line of strace output (without its newline) → the events it completes. */
  feed(line: string): SensorEvent[];
  /** The trace ended: whatever was held back (failed execs, unanswered DNS queries). */
  end(): SensorEvent[];
  /** The first traced pid: the command itself. */
  rootPid(): number | undefined;
  /** Processes (thread-group ids) seen and not yet exited. */
  livePids(): number[];
  stats(): TraceStats;
}

interface Proc {
  ppid?: number;
  cwd?: string;
  alive: boolean;
}

interface Peer extends Endpoint {
  protocol: 'tcp' | 'udp';
  /** Identifies the connection (both ends when known), for first-bytes inspection once per connection. */
  key: string;
}

const CLONES: ReadonlySet<string> = new Set(['clone', 'clone3', 'fork', 'vfork']);
/** Lines of other pids held while their parent's clone is unresolved; past this they are let go. */
const MAX_HELD = 5000;
const MAX_REMEMBERED = 50_000;

export function createTraceModel(options: TraceModelOptions = {}): TraceModel {
  const now = options.now ?? Date.now;
  const dnsPorts = new Set(options.dnsPorts ?? [53]);
  const joiner = createCallJoiner();
  const threads = new Map<number, number>();
  const procs = new Map<number, Proc>();
  const held = new Map<number, JoinedRecord[]>();
  let heldCount = 0;
  const failedExecs = new Map<number, ExecEvent[]>();
  const ipNames = new Map<string, string>();
  const dnsQueries = new Map<string, { pid: number; name: string }>();
  const inspected = new Set<string>();
  const stats: TraceStats = { lines: 0, unparsed: 0, events: 0 };
  let root: number | undefined;
  let at = 0;
  let out: SensorEvent[] = [];

  const emit = (event: SensorEvent) => {
    out.push(event);
    stats.events++;
  };
  const tgidOf = (tid: number) => threads.get(tid) ?? tid;
  const known = (tid: number) => threads.has(tid) || procs.has(tid);

  function remember<K, V>(map: Map<K, V>, key: K, value: V) {
    if (map.size >= MAX_REMEMBERED) map.delete(map.keys().next().value as K);
    map.set(key, value);
  }

  function procOf(tid: number): Proc {
    const pid = tgidOf(tid);
    let proc = procs.get(pid);
    if (!proc) {
      // A pid with no clone seen: the root, or one whose parent is unknown.
      proc = { alive: true };
      if (root === undefined) {
        root = pid;
        if (options.cwd) proc.cwd = options.cwd;
      }
      procs.set(pid, proc);
    }
    return proc;
  }

  function flushFailedExecs(pid: number, keepUnless?: string) {
    const pending = failedExecs.get(pid);
    if (!pending) return;
    failedExecs.delete(pid);
    for (const event of pending) {
      // A PATH search (execvp tries each directory) that then succeeded is not a failure worth reporting.
      if (keepUnless !== undefined && posix.basename(event.exe) === keepUnless) continue;
      emit(event);
    }
  }

  function resolvePath(proc: Proc, path: string, dirfd?: string): string {
    if (path.startsWith('/')) return posix.resolve(path);
    let base = proc.cwd ?? options.cwd ?? '/';
    const fd = dirfd === undefined ? undefined : parseFdArg(dirfd);
    if (fd?.annotation !== undefined) {
      const info = parseFdAnnotation(fd.annotation);
      if (info.kind === 'path') base = info.path;
    }
    return posix.resolve(base, path);
  }

  /** The path a successful open/creat returned (kernel-resolved, symlinks followed), if annotated. */
  function annotatedPath(record: SyscallRecord): { path: string; device?: string } | undefined {
    if (record.retAnnotation === undefined) return undefined;
    const info = parseFdAnnotation(record.retAnnotation);
    return info.kind === 'path' ? info : undefined;
  }

  function fdPath(token: string | undefined): string | undefined {
    const fd = token === undefined ? undefined : parseFdArg(token);
    if (fd?.annotation === undefined) return undefined;
    const info = parseFdAnnotation(fd.annotation);
    return info.kind === 'path' && !info.device ? info.path : undefined;
  }

  function onExec(record: SyscallRecord, args: string[], pid: number, proc: Proc) {
    const viaDirfd = record.name === 'execveat';
    const pathToken = viaDirfd ? args[1] : args[0];
    const argvToken = viaDirfd ? args[2] : args[1];
    const raw = pathToken === undefined ? undefined : parseCText(pathToken);
    if (raw === undefined) return;
    let exe = resolvePath(proc, raw, viaDirfd ? args[0] : undefined);
    if (viaDirfd && raw === '') exe = fdPath(args[0]) ?? exe;
    const argv = argvToken === undefined ? undefined : parseStringArray(argvToken);
    const event: ExecEvent = {
      kind: 'exec',
      at,
      pid,
      ...(proc.ppid !== undefined ? { ppid: proc.ppid } : {}),
      exe,
      argv: (argv?.items ?? []).map((item) => item.bytes.toString('utf8')),
      ok: record.ret === 0,
    };
    if (argv && (argv.truncated || argv.items.some((item) => item.truncated))) event.argvTruncated = true;
    if (record.ret === 0) {
      const script = interpreterScript(exe, event.argv, proc.cwd ?? options.cwd ?? '/');
      if (script) event.script = script;
      flushFailedExecs(pid, posix.basename(exe));
      emit(event);
      return;
    }
    if (record.errno) event.error = record.errno;
    const pending = failedExecs.get(pid) ?? [];
    pending.push(event);
    failedExecs.set(pid, pending);
  }

  function onClone(record: SyscallRecord, args: string[], tid: number) {
    const child = record.ret;
    if (child === undefined || child <= 0) return;
    const parent = tgidOf(tid);
    const flags = record.name === 'clone3' ? parseStruct(args[0] ?? '')?.get('flags') ?? '' : splitTopLevel(record.args).find((arg) => arg.startsWith('flags='))?.slice(6) ?? '';
    const flagSet = new Set(flags.split('|'));
    if (flagSet.has('CLONE_THREAD')) {
      threads.set(child, parent);
    } else {
      const parentProc = procOf(tid);
      const ppid = flagSet.has('CLONE_PARENT') ? parentProc.ppid : parent;
      procs.set(child, { alive: true, ...(ppid !== undefined ? { ppid } : {}), ...(parentProc.cwd !== undefined ? { cwd: parentProc.cwd } : {}) });
    }
    const waiting = held.get(child);
    if (waiting) {
      held.delete(child);
      heldCount -= waiting.length;
      for (const early of waiting) handle(early);
    }
  }

  function onOpen(record: SyscallRecord, args: string[], pid: number, proc: Proc) {
    if (record.ret === undefined) return;
    const failed = record.ret < 0;
    const layout = record.name === 'openat' || record.name === 'openat2' ? { dirfd: args[0], path: args[1], flags: args[2] } : { path: args[0], flags: record.name === 'creat' ? 'O_WRONLY|O_CREAT|O_TRUNC' : args[1] };
    const raw = layout.path === undefined ? undefined : parseCText(layout.path);
    if (raw === undefined) return;
    const requested = resolvePath(proc, raw, layout.dirfd);
    const resolved = annotatedPath(record);
    const proc_ = procTarget(resolved?.path ?? requested, pid) ?? procTarget(requested, pid);
    if (proc_) {
      // A refused open of another process's memory is an attempt worth reporting; ENOENT (gone) is not.
      if (failed && record.errno !== 'EACCES' && record.errno !== 'EPERM') return;
      emit({ kind: 'proc_read', at, pid, path: proc_.path, targetPid: proc_.targetPid, what: proc_.what, ...(failed ? { error: record.errno ?? 'EACCES' } : {}) });
      return;
    }
    if (failed) return;
    const flags = parseOpenFlags(layout.flags ?? '');
    if (!flags.write || resolved?.device) return;
    emit({ kind: 'file', at, pid, path: resolved?.path ?? requested, op: flags.create ? 'create' : flags.truncate ? 'truncate' : 'write' });
  }

  function onFileChange(record: SyscallRecord, args: string[], pid: number, proc: Proc) {
    if (record.ret !== 0) return;
    const text = (index: number) => (args[index] === undefined ? undefined : parseCText(args[index]!));
    switch (record.name) {
      case 'rename':
      case 'renameat':
      case 'renameat2': {
        const plain = record.name === 'rename';
        const from = text(plain ? 0 : 1);
        const to = text(plain ? 1 : 3);
        if (from === undefined || to === undefined) return;
        emit({ kind: 'file', at, pid, path: resolvePath(proc, to, plain ? undefined : args[2]), op: 'rename', from: resolvePath(proc, from, plain ? undefined : args[0]) });
        return;
      }
      case 'unlink':
      case 'unlinkat': {
        const plain = record.name === 'unlink';
        const path = text(plain ? 0 : 1);
        if (path !== undefined) emit({ kind: 'file', at, pid, path: resolvePath(proc, path, plain ? undefined : args[0]), op: 'delete' });
        return;
      }
      case 'truncate': {
        const path = text(0);
        if (path !== undefined) emit({ kind: 'file', at, pid, path: resolvePath(proc, path), op: 'truncate' });
        return;
      }
      case 'ftruncate': {
        const path = fdPath(args[0]);
        if (path !== undefined) emit({ kind: 'file', at, pid, path, op: 'truncate' });
        return;
      }
    }
  }

  function peerOf(fdToken: string | undefined, address: Sockaddr | undefined, fallback: 'tcp' | 'udp'): Peer | undefined {
    const fd = fdToken === undefined ? undefined : parseFdArg(fdToken);
    const info = fd?.annotation === undefined ? undefined : parseFdAnnotation(fd.annotation);
    let protocol: 'tcp' | 'udp' = fallback;
    let local: Endpoint | undefined;
    let remote: Endpoint | undefined;
    if (info?.kind === 'socket') {
      const transport = transportOf(info.protocol);
      if (!transport) return undefined; // AF_UNIX, NETLINK...
      protocol = transport;
      local = info.local;
      remote = info.remote;
    } else if (info) return undefined; // a file or pipe
    if (!remote && isInetSockaddr(address)) remote = { ip: address.ip, port: address.port };
    if (!remote) return undefined;
    const localText = local ? `${local.ip}:${local.port}` : `fd${fd?.fd ?? '?'}`;
    return { ...remote, protocol, key: `${localText}->${remote.ip}:${remote.port}/${protocol}` };
  }

  function onConnect(record: SyscallRecord, args: string[], pid: number) {
    if (record.ret === undefined) return;
    // EINPROGRESS is a non-blocking connect under way; EALREADY/EISCONN repeat one. Any other
    // errno is a failed attempt (refused, unreachable, blocked): still a destination the job chose.
    const failed = record.ret !== 0 && !IN_PROGRESS.has(record.errno ?? '') ? (record.errno ?? 'EIO') : undefined;
    const address = parseSockaddr(args[1] ?? '');
    if (!isInetSockaddr(address)) return;
    const peer = peerOf(args[0], address, 'tcp');
    if (!peer) return;
    const host = ipNames.get(address.ip);
    emit({ kind: 'connect', at, pid, ip: address.ip, port: address.port, protocol: peer.protocol, resolved: host !== undefined, ...(host !== undefined ? { host } : {}), ...(failed ? { error: failed } : {}) });
  }

  function onDns(peer: Peer, direction: 'sent' | 'received', payload: Buffer, pid: number) {
    const body = peer.protocol === 'tcp' ? payload.subarray(2) : payload;
    const message = decodeDnsMessage(body);
    const question = message?.questions[0];
    if (!message || !question) return;
    const key = `${pid}:${message.id}:${question.name}`;
    if (direction === 'sent') {
      if (!message.isResponse) remember(dnsQueries, key, { pid, name: question.name });
      return;
    }
    if (!message.isResponse) return;
    dnsQueries.delete(key);
    const addresses = answerAddresses(message);
    for (const address of addresses) remember(ipNames, address, question.name);
    emit({ kind: 'dns', at, pid, name: question.name, addresses });
  }

  function onTransfer(peer: Peer | undefined, direction: 'sent' | 'received', bytes: number, data: CString[], pid: number) {
    if (!peer) return;
    const payload = Buffer.concat(data.map((item) => item.bytes));
    if (dnsPorts.has(peer.port)) {
      onDns(peer, direction, payload, pid);
      return;
    }
    if (bytes <= 0) return;
    let host: string | undefined;
    if (direction === 'sent' && peer.protocol === 'tcp' && !inspected.has(peer.key)) {
      if (inspected.size >= MAX_REMEMBERED) inspected.clear();
      inspected.add(peer.key);
      host = hostFromFirstBytes(payload)?.host;
    }
    emit({
      kind: 'traffic',
      at,
      pid,
      ip: peer.ip,
      port: peer.port,
      protocol: peer.protocol,
      sent: direction === 'sent' ? bytes : 0,
      received: direction === 'received' ? bytes : 0,
      ...(host !== undefined ? { host } : {}),
    });
  }

  function onSocketIo(record: SyscallRecord, args: string[], pid: number) {
    if (record.ret === undefined || record.ret < 0) return;
    const direction = record.name.startsWith('send') ? 'sent' : 'received';
    switch (record.name) {
      case 'sendto':
      case 'recvfrom': {
        const data = parseCString(args[1] ?? '');
        onTransfer(peerOf(args[0], parseSockaddr(args[4] ?? ''), 'udp'), direction, record.ret, data ? [data] : [], pid);
        return;
      }
      case 'sendmsg':
      case 'recvmsg': {
        const hdr = parseMsghdr(args[1] ?? '');
        onTransfer(peerOf(args[0], hdr?.name, 'udp'), direction, record.ret, hdr?.iov ?? [], pid);
        return;
      }
      case 'sendmmsg':
      case 'recvmmsg': {
        const messages = (parseMmsgVector(args[1] ?? '') ?? []).slice(0, record.ret);
        for (const message of messages) onTransfer(peerOf(args[0], message.hdr.name, 'udp'), direction, message.len, message.hdr.iov, pid);
        return;
      }
    }
  }

  function onCall(record: SyscallRecord, pid: number, proc: Proc) {
    // Every *at call shows the caller's cwd: the freshest source for relative paths.
    const cwd = /AT_FDCWD<((?:\\x[0-9a-f]{2})+)>/.exec(record.args);
    if (cwd) proc.cwd = parseCText(`"${cwd[1]}"`) ?? proc.cwd;
    const args = splitTopLevel(record.args);
    switch (record.name) {
      case 'execve':
      case 'execveat':
        return onExec(record, args, pid, proc);
      case 'clone':
      case 'clone3':
      case 'fork':
      case 'vfork':
        return onClone(record, args, record.pid);
      case 'chdir':
        if (record.ret === 0) {
          const path = parseCText(args[0] ?? '');
          if (path !== undefined) proc.cwd = resolvePath(proc, path);
        }
        return;
      case 'fchdir':
        if (record.ret === 0) proc.cwd = fdPath(args[0]) ?? proc.cwd;
        return;
      case 'open':
      case 'openat':
      case 'openat2':
      case 'creat':
        return onOpen(record, args, pid, proc);
      case 'connect':
        return onConnect(record, args, pid);
      case 'sendto':
      case 'sendmsg':
      case 'sendmmsg':
      case 'recvfrom':
      case 'recvmsg':
      case 'recvmmsg':
        return onSocketIo(record, args, pid);
      default:
        return onFileChange(record, args, pid, proc);
    }
  }

  function handle(record: JoinedRecord) {
    const tid = record.pid;
    if (!known(tid) && root !== undefined && joiner.anyPending(CLONES)) {
      // A new pid talks before its parent's clone returned: wait for the return to learn the parent.
      const list = held.get(tid) ?? [];
      list.push(record);
      held.set(tid, list);
      heldCount++;
      return;
    }
    const proc = procOf(tid);
    const pid = tgidOf(tid);
    if (!(record.kind === 'call' && (record.name === 'execve' || record.name === 'execveat'))) flushFailedExecs(pid);
    switch (record.kind) {
      case 'call':
        return onCall(record, pid, proc);
      case 'exited':
      case 'killed':
        if (threads.has(tid)) {
          threads.delete(tid);
          return;
        }
        proc.alive = false;
        emit(record.kind === 'exited' ? { kind: 'exit', at, pid, code: record.code } : { kind: 'exit', at, pid, signal: record.signal });
        return;
      default:
        return;
    }
  }

  function releaseHeld(all: boolean) {
    if (heldCount === 0 || (!all && joiner.anyPending(CLONES) && heldCount < MAX_HELD)) return;
    const lists = [...held.values()];
    held.clear();
    heldCount = 0;
    // Their parent is unknown; they are reported without ppid.
    for (const list of lists) {
      for (const record of list) {
        procOf(record.pid);
        handle(record);
      }
    }
  }

  return {
    feed(line) {
      at = now();
      out = [];
      stats.lines++;
      const parsed = parseStraceLine(line);
      if (!parsed) {
        if (line.trim() !== '') stats.unparsed++;
        return out;
      }
      const record = joiner.push(parsed);
      if (record) handle(record);
      releaseHeld(false);
      return out;
    },
    end() {
      at = now();
      out = [];
      releaseHeld(true);
      for (const pid of [...failedExecs.keys()]) flushFailedExecs(pid);
      // Queries never answered (a resolver that did not reply, or exfiltration in the name itself).
      for (const query of dnsQueries.values()) emit({ kind: 'dns', at, pid: query.pid, name: query.name, addresses: [] });
      dnsQueries.clear();
      return out;
    },
    rootPid: () => root,
    livePids: () => [...procs].filter(([, proc]) => proc.alive).map(([pid]) => pid),
    stats: () => ({ ...stats }),
  };
}

/** `/proc/<pid|self|thread-self>/[task/<tid>/](mem|environ|maps)` → whose, and which file. */
function procTarget(path: string, opener: number): { path: string; targetPid: number; what: 'mem' | 'environ' | 'maps' } | undefined {
  const match = /^\/proc\/(\d+|self|thread-self)\/(?:task\/\d+\/)?(mem|environ|maps)$/.exec(path);
  if (!match) return undefined;
  const who = match[1]!;
  // thread-self is the opening thread, which belongs to the opener's process.
  const targetPid = who === 'self' || who === 'thread-self' ? opener : Number(who);
  return { path, targetPid, what: match[2] as 'mem' | 'environ' | 'maps' };
}
