import { readlinkSync } from 'node:fs';
import type { Egress, SourceWrite } from '@pipewatch/shared';
import type { SensorEvent } from '../trace/sensor-events.js';
import { boundArgv } from './bound-argv.js';

/** Bounds of one run's lists: the contract's limits, well below them for files. */
const MAX_PROCESSES = 5000;
const MAX_EGRESS = 5000;
const MAX_FILES = 1000;
const MAX_MEMORY_READS = 100;

export interface SensedProcess {
  exe: string;
  parent?: string;
  argv: string[];
  dropped?: true;
}

export interface SensedMemoryRead {
  path: string;
  target_pid: number;
  target_exe?: string;
  by?: string;
  denied?: true;
}

/** What the sensor saw, in the run event's own terms (sha256 of executables is added by the caller). */
export interface SensedAccess {
  processes: SensedProcess[];
  egress: Egress[];
  files_written: string[];
  memory_reads: SensedMemoryRead[];
  source_writes: SourceWrite[];
}

export interface SensorTotals {
  processesStarted: number;
  execFailures: number;
  connections: number;
  dnsAnswers: number;
  filesWritten: number;
  filesWrittenDropped: number;
  bytesSent: number;
  bytesReceived: number;
}

export interface SensorAggregate {
  add(event: SensorEvent): void;
  addSourceWrite(write: SourceWrite): void;
  /** What is new since the last call (first sightings only), or undefined when nothing is. */
  takeNew(): SensedAccess | undefined;
  /** Everything, for the final run event. */
  all(): SensedAccess;
  totals(): SensorTotals;
}

export interface AggregateOptions {
  /** Values the argv redaction must mask besides secret-shaped text (the ingest token). */
  knownSecrets?: readonly string[];
  /** true: a connection no decoded DNS answer named is `resolved: false`; false: left unset. */
  dnsVisible: boolean;
  ignoreLoopback?: boolean;
  /** Ports whose traffic is DNS: name lookups, not destinations (default [53]). */
  dnsPorts?: readonly number[];
  /** The job's workspace: writes inside it (build outputs) are not listed in files_written. */
  workspace?: string;
  /** Reads /proc/<pid>/exe of a target process; replaceable in tests. */
  exeOf?: (pid: number) => string | undefined;
}

interface Destination {
  entry: Egress;
  announced: boolean;
}

/**
 * Folds the sensor's events into one run's access picture: executables with their
 * parents and bounded argv, destinations with names and bytes, files written, reads of
 * other processes' memory. Keeps which first sightings were not yet streamed.
 */
export function createSensorAggregate(options: AggregateOptions): SensorAggregate {
  const exeOf = options.exeOf ?? readExe;
  const dnsPorts = new Set(options.dnsPorts ?? [53]);
  const exeByPid = new Map<number, string>();
  const treePids = new Set<number>();
  const processes = new Map<string, SensedProcess>();
  const destinations = new Map<string, Destination>();
  const written = new Set<string>();
  const outside: string[] = [];
  const workspace = options.workspace ? options.workspace.replace(/\/+$/, '') + '/' : undefined;
  const listed = (path: string): boolean => !(workspace && path.startsWith(workspace)) && !/^\/(dev|proc|sys)\//.test(path);
  const memoryReads = new Map<string, SensedMemoryRead>();
  const reached = new WeakSet<Egress>();
  const sourceWrites = new Map<string, SourceWrite>();
  let fresh = emptyAccess();
  const totals: SensorTotals = { processesStarted: 0, execFailures: 0, connections: 0, dnsAnswers: 0, filesWritten: 0, filesWrittenDropped: 0, bytesSent: 0, bytesReceived: 0 };

  function destination(ip: string, port: number, protocol: 'tcp' | 'udp'): Destination | undefined {
    const key = `${protocol}:${ip}:${port}`;
    let found = destinations.get(key);
    if (!found && destinations.size < MAX_EGRESS) {
      found = { entry: { ip, port, protocol }, announced: false };
      destinations.set(key, found);
    }
    return found;
  }

  function announce(found: Destination): void {
    if (found.announced) return;
    found.announced = true;
    fresh.egress.push(found.entry);
  }

  /** A script run by an interpreter is listed like an executable, its interpreter as parent. */
  function addScript(script: string, interpreter: string, argv: string[]): void {
    if (processes.has(script) || processes.size >= MAX_PROCESSES) return;
    const process: SensedProcess = {
      exe: script,
      parent: interpreter,
      argv: boundArgv(argv, options.knownSecrets),
      ...(written.has(script) ? { dropped: true as const } : {}),
    };
    processes.set(script, process);
    fresh.processes.push(process);
  }

  const handlers: { [K in SensorEvent['kind']]: (event: Extract<SensorEvent, { kind: K }>) => void } = {
    exec(event) {
      if (event.ppid !== undefined) treePids.add(event.ppid);
      if (!event.ok) {
        totals.execFailures++;
        return;
      }
      totals.processesStarted++;
      const parent = event.ppid !== undefined ? exeByPid.get(event.ppid) : exeByPid.get(event.pid);
      exeByPid.set(event.pid, event.exe);
      if (event.script) addScript(event.script, event.exe, event.argv);
      if (processes.has(event.exe) || processes.size >= MAX_PROCESSES) return;
      const process: SensedProcess = {
        exe: event.exe,
        ...(parent ? { parent } : {}),
        argv: boundArgv(event.argv, options.knownSecrets),
        ...(written.has(event.exe) ? { dropped: true as const } : {}),
      };
      processes.set(event.exe, process);
      fresh.processes.push(process);
    },
    connect(event) {
      if (dnsPorts.has(event.port) || (options.ignoreLoopback && isLoopback(event.ip))) return;
      totals.connections++;
      const found = destination(event.ip, event.port, event.protocol);
      if (!found) return;
      if (event.host) found.entry.host ??= event.host;
      // `connected: false` only while every attempt to it failed; the common case stays unmarked.
      if (!event.error) {
        reached.add(found.entry);
        delete found.entry.connected;
      } else if (!reached.has(found.entry)) found.entry.connected = false;
      if (event.resolved) found.entry.resolved = true;
      else if (options.dnsVisible && found.entry.resolved === undefined && !found.entry.host) found.entry.resolved = false;
      announce(found);
    },
    dns() {
      totals.dnsAnswers++;
    },
    traffic(event) {
      totals.bytesSent += event.sent;
      totals.bytesReceived += event.received;
      if (dnsPorts.has(event.port) || (options.ignoreLoopback && isLoopback(event.ip))) return;
      const found = destination(event.ip, event.port, event.protocol);
      if (!found) return;
      if (event.sent > 0) found.entry.bytes_out = (found.entry.bytes_out ?? 0) + event.sent;
      if (event.received > 0) found.entry.bytes_in = (found.entry.bytes_in ?? 0) + event.received;
      // A name from TLS SNI or an HTTP Host header, when no DNS answer gave one.
      if (event.host && !found.entry.host) found.entry.host = event.host;
      announce(found);
    },
    file(event) {
      if (event.op === 'delete') return;
      totals.filesWritten++;
      if (written.has(event.path)) return;
      if (written.size >= MAX_FILES) {
        totals.filesWrittenDropped++;
        return;
      }
      written.add(event.path);
      if (!listed(event.path)) return;
      outside.push(event.path);
      fresh.files_written.push(event.path);
    },
    proc_read(event) {
      // The job reading its own processes (a test harness, ps) is ordinary; another tree's is not.
      if (event.targetPid === event.pid || treePids.has(event.targetPid)) return;
      const known = memoryReads.get(event.path);
      if (known) {
        // A denied attempt followed by a read that got through (sudo) is a read.
        if (known.denied && !event.error) delete known.denied;
        return;
      }
      if (memoryReads.size >= MAX_MEMORY_READS) return;
      const targetExe = exeOf(event.targetPid);
      const by = exeByPid.get(event.pid);
      const read: SensedMemoryRead = { path: event.path, target_pid: event.targetPid, ...(targetExe ? { target_exe: targetExe } : {}), ...(by ? { by } : {}), ...(event.error ? { denied: true as const } : {}) };
      memoryReads.set(event.path, read);
      fresh.memory_reads.push(read);
    },
    exit() {},
  };

  return {
    add(event) {
      treePids.add(event.pid);
      (handlers[event.kind] as (event: SensorEvent) => void)(event);
    },
    addSourceWrite(write) {
      const known = sourceWrites.get(write.path);
      sourceWrites.set(write.path, write);
      if (!known || known.changed !== write.changed || known.restored !== write.restored) fresh.source_writes.push(write);
    },
    takeNew() {
      const taken = fresh;
      fresh = emptyAccess();
      const empty = taken.processes.length + taken.egress.length + taken.files_written.length + taken.memory_reads.length + taken.source_writes.length === 0;
      return empty ? undefined : taken;
    },
    all() {
      return {
        processes: [...processes.values()],
        egress: [...destinations.values()].map((found) => found.entry),
        files_written: [...outside],
        memory_reads: [...memoryReads.values()],
        source_writes: [...sourceWrites.values()],
      };
    },
    totals: () => ({ ...totals }),
  };
}

function emptyAccess(): SensedAccess {
  return { processes: [], egress: [], files_written: [], memory_reads: [], source_writes: [] };
}

function isLoopback(ip: string): boolean {
  return ip.startsWith('127.') || ip === '::1';
}

function readExe(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return undefined;
  }
}
