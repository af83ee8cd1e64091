import { constants } from 'node:os';

/** The shell's convention: the child's own code, or 128 + the signal number when a signal killed it. */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  const number = signal ? constants.signals[signal] : undefined;
  return number === undefined ? 1 : 128 + number;
}

/** What shells answer when the command cannot be started: 127 not found, 126 found but not runnable. */
export function exitCodeOfSpawnError(error: NodeJS.ErrnoException): number {
  return error.code === 'ENOENT' ? 127 : 126;
}
