/** The fields of /proc/<pid>/stat the sampler needs; times in clock ticks, rss in pages. */
export interface ProcStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  utime: number;
  stime: number;
  /** Time of children this process has waited for: the only trace short-lived children leave. */
  cutime: number;
  cstime: number;
  /** Ticks after boot; with the pid it names one process even when pids are reused. */
  starttime: number;
  rssPages: number;
}

/**
 * Parses /proc/<pid>/stat. The command name sits in parentheses and may itself hold
 * spaces or parentheses, so the fields are counted from the last ')'.
 */
export function parseProcStat(text: string): ProcStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const pid = Number(text.slice(0, open).trim());
  // rest[0] is field 3 (state) of proc(5), so field n is rest[n - 3].
  const rest = text.slice(close + 1).trim().split(/\s+/);
  if (rest.length < 22 || !Number.isInteger(pid)) return undefined;
  const field = (n: number): number => Number(rest[n - 3]);
  const stat: ProcStat = {
    pid,
    comm: text.slice(open + 1, close),
    state: rest[0] ?? '?',
    ppid: field(4),
    utime: field(14),
    stime: field(15),
    cutime: field(16),
    cstime: field(17),
    starttime: field(22),
    rssPages: field(24),
  };
  const numbers = [stat.ppid, stat.utime, stat.stime, stat.cutime, stat.cstime, stat.starttime, stat.rssPages];
  return numbers.every((value) => Number.isFinite(value)) ? stat : undefined;
}
