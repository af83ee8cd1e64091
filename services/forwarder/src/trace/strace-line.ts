/**
 * Pure parser of `strace -f` output lines, plus the per-pid joiner that glues an
 * `<unfinished ...>` call to its `<... name resumed>` tail (other pids' lines come in between).
 * Garbage gives undefined; nothing throws.
 */
import { matchingClose, parseFdArg } from './strace-values.js';

export interface SyscallRecord {
  kind: 'call';
  pid: number;
  name: string;
  /** The raw text between the call's parentheses. */
  args: string;
  /** The number returned; undefined for `= ?` (the call never returned, e.g. exit_group). */
  ret?: number;
  /** The fd annotation of the return value (`= 3</etc/passwd>`), raw. */
  retAnnotation?: string;
  errno?: string;
  errorMessage?: string;
  /** Whatever strace printed after the return value, e.g. `(Timeout)`. */
  retExtra?: string;
}

export interface UnfinishedRecord {
  kind: 'unfinished';
  pid: number;
  name: string;
  /** `name(` plus the arguments printed so far. */
  head: string;
}

export interface ResumedRecord {
  kind: 'resumed';
  pid: number;
  name: string;
  /** The rest of the argument list, the closing parenthesis and the return value. */
  tail: string;
}

export interface SignalRecord {
  kind: 'signal';
  pid: number;
  signal: string;
  /** The `{si_signo=...}` text, raw. */
  info: string;
}

export interface ExitedRecord {
  kind: 'exited';
  pid: number;
  code: number;
}

export interface KilledRecord {
  kind: 'killed';
  pid: number;
  signal: string;
  coreDumped: boolean;
}

/** `+++ superseded by execve in pid N +++`: a thread's pid vanished because another thread exec'd. */
export interface SupersededRecord {
  kind: 'superseded';
  pid: number;
  byPid?: number;
}

export type StraceRecord = SyscallRecord | UnfinishedRecord | ResumedRecord | SignalRecord | ExitedRecord | KilledRecord | SupersededRecord;

const PREFIX = /^(?:\[pid\s+(\d+)\]|(\d+))\s+/;

/** Parses `name(args) = ret ...` (no pid prefix). */
export function parseCallText(pid: number, text: string): SyscallRecord | undefined {
  const name = /^([a-z_][a-z0-9_]*)\(/.exec(text);
  if (!name) return undefined;
  const open = name[1]!.length;
  const close = matchingClose(text, open);
  if (close < 0) return undefined;
  const result = /^\s*=\s*(.*)$/s.exec(text.slice(close + 1));
  if (!result) return undefined;
  const record: SyscallRecord = { kind: 'call', pid, name: name[1]!, args: text.slice(open + 1, close) };
  const value = result[1]!.trim();
  if (value.startsWith('?')) {
    const extra = value.slice(1).trim();
    const errno = /^(E[A-Z0-9]+)\s*(?:\((.*)\))?$/.exec(extra);
    if (errno) {
      record.errno = errno[1]!;
      if (errno[2] !== undefined) record.errorMessage = errno[2];
    } else if (extra) record.retExtra = extra;
    return record;
  }
  const number = /^(-?\d+|0x[0-9a-fA-F]+)(<.*>)?(?:\s+(.*))?$/s.exec(value);
  if (!number) return undefined;
  record.ret = Number(number[1]);
  if (number[2]) {
    const fd = parseFdArg(`${number[1]}${number[2]}`);
    if (!fd) return undefined;
    if (fd.annotation !== undefined) record.retAnnotation = fd.annotation;
  }
  const extra = number[3]?.trim();
  if (extra) {
    const errno = record.ret < 0 ? /^(E[A-Z0-9]+)\s*(?:\((.*)\))?$/.exec(extra) : null;
    if (errno) {
      record.errno = errno[1]!;
      if (errno[2] !== undefined) record.errorMessage = errno[2];
    } else record.retExtra = extra;
  }
  return record;
}

/** One line of `strace -f -o FILE` output (pid prefix `1234  ` or `[pid  1234] `). */
export function parseStraceLine(line: string): StraceRecord | undefined {
  const prefix = PREFIX.exec(line);
  if (!prefix) return undefined;
  const pid = Number(prefix[1] ?? prefix[2]);
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  const text = line.slice(prefix[0].length).replace(/\s+$/, '');

  const resumed = /^<\.\.\. ([a-z_][a-z0-9_]*) resumed>\s?(.*)$/s.exec(text);
  if (resumed) return { kind: 'resumed', pid, name: resumed[1]!, tail: resumed[2]! };

  if (text.endsWith('<unfinished ...>')) {
    const head = text.slice(0, -'<unfinished ...>'.length).replace(/ $/, '');
    const name = /^([a-z_][a-z0-9_]*)\(/.exec(head);
    return name ? { kind: 'unfinished', pid, name: name[1]!, head } : undefined;
  }

  const signal = /^--- (SIG[A-Z0-9+-]+|\d+) (.*) ---$/s.exec(text);
  if (signal) return { kind: 'signal', pid, signal: signal[1]!, info: signal[2]! };

  const exited = /^\+\+\+ exited with (\d+) \+\+\+$/.exec(text);
  if (exited) return { kind: 'exited', pid, code: Number(exited[1]) };

  const killed = /^\+\+\+ killed by (SIG[A-Z0-9+-]+|\d+)( \(core dumped\))? \+\+\+$/.exec(text);
  if (killed) return { kind: 'killed', pid, signal: killed[1]!, coreDumped: !!killed[2] };

  const superseded = /^\+\+\+ superseded by execve(?: in pid (\d+))? \+\+\+$/.exec(text);
  if (superseded) return superseded[1] ? { kind: 'superseded', pid, byPid: Number(superseded[1]) } : { kind: 'superseded', pid };

  return parseCallText(pid, text);
}

/** Complete records out of the line stream: calls are whole, other records pass through. */
export type JoinedRecord = Exclude<StraceRecord, UnfinishedRecord | ResumedRecord>;

export interface CallJoiner {
  /** Returns the complete record this one finishes (or is), or undefined while a call is open. */
  push(record: StraceRecord): JoinedRecord | undefined;
  /** Whether some pid is inside one of these syscalls right now. */
  anyPending(names: ReadonlySet<string>): boolean;
  /** The pending call of a pid, if any. */
  pendingName(pid: number): string | undefined;
}

export function createCallJoiner(): CallJoiner {
  const open = new Map<number, UnfinishedRecord>();
  return {
    push(record) {
      switch (record.kind) {
        case 'unfinished':
          open.set(record.pid, record);
          return undefined;
        case 'resumed': {
          const head = open.get(record.pid);
          open.delete(record.pid);
          if (!head || head.name !== record.name) {
            // The start was lost (or never printed): keep what the tail can tell, the return value.
            return parseCallText(record.pid, `${record.name}(${record.tail}`);
          }
          return parseCallText(record.pid, `${head.head}${record.tail}`);
        }
        case 'exited':
        case 'killed':
        case 'superseded':
          // A call cut by the process's end never resumes.
          open.delete(record.pid);
          return record;
        default:
          return record;
      }
    },
    anyPending(names) {
      for (const record of open.values()) if (names.has(record.name)) return true;
      return false;
    },
    pendingName(pid) {
      return open.get(pid)?.name;
    },
  };
}
