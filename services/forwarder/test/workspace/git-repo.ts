import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Runs git in `cwd` with a fixed identity and no user/system config, returning stdout. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=test@pipewatch.invalid', '-c', 'user.name=test', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'], // git's advice on stderr stays out of the test output
    env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
  });
}

/** A real repository in a fresh temp dir with `files` committed. */
export async function makeRepo(files: Record<string, string | Buffer>, options: { objectFormat?: 'sha1' | 'sha256' } = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pipewatch-workspace-test-'));
  git(dir, 'init', '-q', `--object-format=${options.objectFormat ?? 'sha1'}`);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'initial');
  return dir;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
