import { runCommand } from './run-command.js';

export interface EsUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/**
 * Elasticsearch refuses to run as root, and CI runs as root: then it runs as a system
 * user made on first use (PIPEWATCH_ES_USER, default pipewatch-es). As any other user it
 * runs as that user, and this returns undefined.
 */
export async function ensureEsUser(): Promise<EsUser | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const fromEnv = process.env.PIPEWATCH_ES_USER;
  const name = fromEnv !== undefined && fromEnv !== '' ? fromEnv : 'pipewatch-es';
  const existing = await lookupUser(name);
  if (existing !== undefined) return existing;
  try {
    await runCommand('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', name]);
  } catch (error) {
    // A parallel start may have created it first; only fail if it still does not exist.
    const created = await lookupUser(name);
    if (created !== undefined) return created;
    throw error;
  }
  const created = await lookupUser(name);
  if (created === undefined) throw new Error(`useradd ${name} succeeded but id cannot find it`);
  return created;
}

async function lookupUser(name: string): Promise<EsUser | undefined> {
  try {
    const uid = Number((await runCommand('id', ['-u', name])).stdout.trim());
    const gid = Number((await runCommand('id', ['-g', name])).stdout.trim());
    return { name, uid, gid };
  } catch {
    return undefined;
  }
}
