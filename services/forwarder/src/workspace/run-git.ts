import { spawn } from 'node:child_process';

export interface GitResult {
  code: number | null;
  stdout: Buffer;
}

/**
 * Runs git with `args` in `cwd`, no shell, killed after `timeoutMs`. Resolves undefined
 * when git cannot be started (missing) or was killed for time; otherwise its exit code
 * and stdout. GIT_OPTIONAL_LOCKS=0 and core.fsmonitor=false: the inventory must not
 * rewrite .git/index nor start a hook the job's repository configured.
 */
export function runGit(cwd: string, args: string[], timeoutMs: number, stdin?: Buffer): Promise<GitResult | undefined> {
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn('git', ['-c', 'core.fsmonitor=false', ...args], {
        cwd,
        env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0' },
        stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'ignore'],
      });
    } catch {
      resolve(undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(timedOut ? undefined : { code, stdout: Buffer.concat(chunks) });
    });
    if (stdin && child.stdin) {
      child.stdin.on('error', () => undefined); // git may exit before reading everything
      child.stdin.end(stdin);
    }
  });
}
