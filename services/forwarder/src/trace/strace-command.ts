/**
 * The strace command line for a traced job. Choices, and why:
 * - `-f --seccomp-bpf`: follow every fork/clone; the seccomp filter makes untraced syscalls
 *   (read, write, mmap, stat...) run without stopping, which is what keeps builds fast.
 * - `-q`, not `-qq`: no attach/detach chatter, but keep `+++ exited with N +++` (exit events).
 * - `-yy`: fds print with their path or socket ends (`5<TCP:[a:p->b:q]>`, `AT_FDCWD</cwd>`),
 *   so there is no fd table to track by hand.
 * - `-xx`: every string hex-escaped, so data can never look like syntax.
 * - `-s`: enough bytes for a DNS packet and the start of a ClientHello / HTTP request.
 * - `-e signal=!SIGCHLD,SIGURG,SIGWINCH`: deliveries are mostly noise (one SIGCHLD per child,
 *   Go's SIGURG preemption), but strace only prints `+++ killed by SIG +++` for signals in the
 *   set, so `signal=none` would lose every death by signal except SIGKILL. These three never kill.
 * - No read/write/close/stat: they are the bulk of a build's syscalls. So bytes moved with
 *   write/read/writev on a socket (Node, Go, Python's ssl) are not counted, and plain opens for
 *   reading are only traced because openat also carries the writes.
 */

export const TRACED_SYSCALLS = [
  // processes
  'execve', 'execveat', 'clone', 'clone3', 'fork', 'vfork',
  // cwd, for paths given relative to it by the non-*at calls
  'chdir', 'fchdir',
  // network: destinations, DNS packets, byte counts on socket calls
  'connect', 'sendto', 'sendmsg', 'sendmmsg', 'recvfrom', 'recvmsg', 'recvmmsg',
  // file changes and /proc reads
  'open', 'openat', 'openat2', 'creat', 'rename', 'renameat', 'renameat2', 'unlink', 'unlinkat', 'truncate', 'ftruncate',
] as const;

export const DEFAULT_STRING_LIMIT = 1024;

export interface StraceCommandOptions {
  /** Where strace writes the trace (a FIFO the forwarder reads). */
  output: string;
  /** `-s`: bytes of each string/buffer shown. */
  stringLimit?: number;
  strace?: string;
}

/** `[file, ...args]` running `command` under strace. */
export function straceCommand(command: readonly [string, ...string[]], options: StraceCommandOptions): [string, ...string[]] {
  const limit = Math.max(64, Math.floor(options.stringLimit ?? DEFAULT_STRING_LIMIT));
  return [
    options.strace ?? 'strace',
    '-f',
    '--seccomp-bpf',
    '-q',
    '-yy',
    '-xx',
    '-s',
    String(limit),
    '-e',
    'signal=!SIGCHLD,SIGURG,SIGWINCH',
    '-e',
    `trace=${TRACED_SYSCALLS.join(',')}`,
    '-o',
    options.output,
    '--',
    ...command,
  ];
}
