import { readdirSync, readFileSync } from 'node:fs';

/** Linux /proc readers: process groups and start times are what make killing safe. */

interface ProcStat {
  readonly state: string;
  readonly ppid: number;
  readonly pgrp: number;
  /** Clock ticks since boot: tells a live pid from a reused one. */
  readonly startTime: number;
}

function procStat(pid: number): ProcStat | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: split after the last ')'.
    const fields = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '?', ppid: Number(fields[1]), pgrp: Number(fields[2]), startTime: Number(fields[19]) };
  } catch {
    return undefined;
  }
}

/** Alive and not a zombie (a zombie is dead but still answers kill(pid, 0)). */
export function isAlive(pid: number): boolean {
  const stat = procStat(pid);
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';
}

export function parentOf(pid: number): number | undefined {
  return procStat(pid)?.ppid;
}

export function startTimeOf(pid: number): number | undefined {
  return procStat(pid)?.startTime;
}

export function cmdlineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** Live members of a process group. */
export function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const stat = procStat(pid);
    if (stat !== undefined && stat.pgrp === pgid && stat.state !== 'Z' && stat.state !== 'X') {
      members.push(pid);
    }
  }
  return members;
}

/**
 * Members of a group with no children in it: the server JVMs, not the launchers in front
 * of them (runuser, the Elasticsearch CLI), which leave by themselves once the JVM is gone.
 */
export function groupLeaves(pgid: number): number[] {
  const members = groupMembers(pgid);
  const parents = new Set(members.map((pid) => procStat(pid)?.ppid));
  return members.filter((pid) => !parents.has(pid));
}

/** Sends a signal, treating "already gone" as success. */
export function signal(target: number, sig: NodeJS.Signals): void {
  try {
    process.kill(target, sig);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
