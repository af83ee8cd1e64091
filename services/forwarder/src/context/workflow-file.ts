import { open } from 'node:fs/promises';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { envValue, type Env } from './env.js';

/**
 * Where the running workflow's file sits in the checked-out repository, from
 * `GITHUB_WORKFLOW_REF` (`octo/app/.github/workflows/ci.yml@refs/heads/main`). Undefined when the
 * workflow lives in another repository than GITHUB_REPOSITORY (a reusable workflow's caller
 * elsewhere) or the ref is malformed. Caveat for the caller: the file on disk is whatever the
 * job checked out, which need not be the commit the workflow ran from (GITHUB_WORKFLOW_SHA);
 * a `pull_request_target` job that checks out the PR head reads the fork's copy. And without a
 * checkout step the file is not there at all.
 */
export function workflowFileFromRef(env: Env, workspace: string | undefined = envValue(env, 'GITHUB_WORKSPACE')): string | undefined {
  const ref = envValue(env, 'GITHUB_WORKFLOW_REF');
  const repository = envValue(env, 'GITHUB_REPOSITORY');
  if (!ref || !repository || !workspace) return undefined;
  const at = ref.lastIndexOf('@');
  const withoutRef = at >= 0 ? ref.slice(0, at) : ref;
  // Owner and repository names are case-insensitive on GitHub.
  if (!withoutRef.toLowerCase().startsWith(`${repository.toLowerCase()}/`)) return undefined;
  const relative = withoutRef.slice(repository.length + 1);
  if (!relative || isAbsolute(relative)) return undefined;
  const clean = normalize(relative);
  if (clean === '..' || clean.startsWith(`..${sep}`)) return undefined;
  return join(workspace, clean);
}

/** Workflow files are small; a bound keeps a hostile checkout from feeding us gigabytes. */
export const MAX_WORKFLOW_BYTES = 2 * 1024 * 1024;

/** The file's text, or an error string; never throws. */
export async function readWorkflowFile(path: string, maxBytes: number = MAX_WORKFLOW_BYTES): Promise<{ text?: string; error?: string }> {
  try {
    const handle = await open(path, 'r');
    try {
      const stat = await handle.stat();
      const size = stat.size;
      if (!stat.isFile()) return { error: `${path} is not a regular file` };
      if (size > maxBytes) return { error: `${path} is ${size} bytes, over the ${maxBytes} byte limit` };
      const buffer = Buffer.alloc(size);
      let filled = 0;
      while (filled < size) {
        const { bytesRead } = await handle.read(buffer, filled, size - filled, filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return { text: buffer.toString('utf8', 0, filled) };
    } finally {
      await handle.close();
    }
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}
