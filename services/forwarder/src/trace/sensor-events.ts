/**
 * What the runner sensor reports, one event per act, in the order the kernel saw them.
 * Produced by the strace backend (trace-model.ts); consumed by the forwarder's
 * observation aggregator, which folds them into run events and streamed partials.
 * `at` is the forwarder's clock (ms since the epoch) when the line was read: within a
 * few ms of the act, which is what the latency target is measured against.
 */
export type SensorEvent = ExecEvent | ConnectEvent | DnsAnswerEvent | TrafficEvent | FileEvent | ProcReadEvent | ExitEvent;

export interface ExecEvent {
  kind: 'exec';
  at: number;
  pid: number;
  /** Process id of the parent in the traced tree, when known (from clone/fork/vfork). */
  ppid?: number;
  /** Absolute path of the executable (relative paths resolved against the caller's cwd). */
  exe: string;
  /** argv as passed, unredacted and unbounded: the aggregator bounds and redacts it. */
  argv: string[];
  /** strace showed only part of argv (an argument longer than `-s` bytes, or too many arguments). */
  argvTruncated?: boolean;
  /** The script file an interpreter was asked to run (`bash x.sh`), absolute; see interpreter-script.ts. */
  script?: string;
  /** false when execve failed (ENOENT, EACCES...); `error` is the errno name. */
  ok: boolean;
  error?: string;
}

export interface ConnectEvent {
  kind: 'connect';
  at: number;
  pid: number;
  ip: string;
  port: number;
  protocol: 'tcp' | 'udp';
  /** Host name from a DNS answer the tree received for this IP, else SNI / HTTP Host seen later on it. */
  host?: string;
  /** true when a DNS answer the tree received named this IP before the connect. */
  resolved: boolean;
  /** The errno of a connect that failed (ECONNREFUSED, ENETUNREACH...): an attempt, still a destination. */
  error?: string;
}

export interface DnsAnswerEvent {
  kind: 'dns';
  at: number;
  pid: number;
  /** The question name (lower case, no trailing dot). */
  name: string;
  /** A and AAAA records of the answer (CNAME chains followed). */
  addresses: string[];
}

/** Bytes sent or received on a connection, reported as they happen (aggregate per destination). */
export interface TrafficEvent {
  kind: 'traffic';
  at: number;
  pid: number;
  ip: string;
  port: number;
  protocol: 'tcp' | 'udp';
  sent: number;
  received: number;
  /** A name learned from the first bytes (TLS SNI or HTTP Host), when this chunk carried it. */
  host?: string;
}

export interface FileEvent {
  kind: 'file';
  at: number;
  pid: number;
  /** Absolute path. */
  path: string;
  op: 'write' | 'create' | 'truncate' | 'rename' | 'delete';
  /** For rename: the source path (absolute). */
  from?: string;
}

/** An open of another process's memory or environment: /proc/<pid>/mem, /proc/<pid>/environ (also maps). */
export interface ProcReadEvent {
  kind: 'proc_read';
  at: number;
  pid: number;
  path: string;
  targetPid: number;
  what: 'mem' | 'environ' | 'maps';
  /** The errno when the open was refused (EACCES, EPERM): the attempt is what matters. */
  error?: string;
}

export interface ExitEvent {
  kind: 'exit';
  at: number;
  pid: number;
  code?: number;
  signal?: string;
}
