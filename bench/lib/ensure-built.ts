import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CLI_ENTRY, REPO_ROOT } from './repo-paths.js';

/** `npm install` builds through `prepare`; a clone where that was skipped gets one `tsc -b` here. */
export function ensureCliBuilt(log: (line: string) => void): void {
  if (existsSync(CLI_ENTRY)) return;
  log('services/cli/dist is missing: building the workspaces once (tsc -b)');
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-b'], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (result.status !== 0 || !existsSync(CLI_ENTRY)) throw new Error('tsc -b failed; fix the build (npm run build) and run the benchmark again');
}
