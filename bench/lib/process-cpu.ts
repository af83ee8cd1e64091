import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat; 100 on every Linux build in use. */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used so far, or undefined when it cannot be read (not Linux, gone). */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces or parentheses; fields after it are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) / TICKS_PER_SECOND : undefined;
  } catch {
    return undefined;
  }
}

export interface CpuMeter {
  /** CPU seconds used by each named process since the meter started, and as a share of one core over the wall time. */
  read(): Record<string, { cpu_s: number; cores: number } | null>;
}

/** Meters named pids from now on; the current process is metered through process.cpuUsage(). */
export function startCpuMeter(pids: Record<string, number | 'self' | undefined>): CpuMeter {
  const began = performance.now();
  const selfStart = process.cpuUsage();
  const starts = Object.fromEntries(
    Object.entries(pids).map(([name, pid]) => [name, pid === 'self' || pid === undefined ? undefined : processCpuSeconds(pid)]),
  );
  return {
    read() {
      const wall = (performance.now() - began) / 1000;
      const out: Record<string, { cpu_s: number; cores: number } | null> = {};
      for (const [name, pid] of Object.entries(pids)) {
        let used: number | undefined;
        if (pid === 'self') {
          const delta = process.cpuUsage(selfStart);
          used = (delta.user + delta.system) / 1e6;
        } else if (pid !== undefined) {
          const now = processCpuSeconds(pid);
          const start = starts[name];
          used = now !== undefined && start !== undefined ? now - start : undefined;
        }
        out[name] = used === undefined ? null : { cpu_s: Number(used.toFixed(2)), cores: Number((used / wall).toFixed(2)) };
      }
      return out;
    },
  };
}
