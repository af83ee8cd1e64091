import { spawn, type ChildProcess, type StdioNull, type StdioPipe } from 'node:child_process';
import { once } from 'node:events';

export type StartedCommand =
  | { ok: true; child: ChildProcess; exited: Promise<[number | null, NodeJS.Signals | null]> }
  | { ok: false; error: NodeJS.ErrnoException };

/** Starts the command with stdout/stderr piped; resolves once it runs, or with why it could not start. */
export async function spawnCommand(
  command: readonly [string, ...string[]],
  options: { env: NodeJS.ProcessEnv; stdin: 'inherit' | 'ignore'; cwd?: string },
): Promise<StartedCommand> {
  const [file, ...args] = command;
  const stdio: [StdioNull | 'inherit', StdioPipe, StdioPipe] = [options.stdin, 'pipe', 'pipe'];
  let child: ChildProcess;
  try {
    child = spawn(file, args, { stdio, env: options.env, ...(options.cwd ? { cwd: options.cwd } : {}) });
  } catch (error) {
    // Synchronous failures: a NUL byte in an argument, an invalid option.
    return { ok: false, error: error as NodeJS.ErrnoException };
  }
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  // A child that never started never exits; the spawn error is the one that counts.
  exited.catch(() => undefined);
  try {
    await once(child, 'spawn');
    return { ok: true, child, exited };
  } catch (error) {
    return { ok: false, error: error as NodeJS.ErrnoException };
  }
}
