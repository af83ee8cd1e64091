import {
  chmodSync,
  chownSync,
  copyFileSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  symlinkSync,
} from 'node:fs';
import { join } from 'node:path';

/**
 * Mirrors a tree with hard links (a copy where links are impossible, e.g. across file
 * systems). The links are what let the unprivileged Elasticsearch user read a cache that
 * lives under /root (mode 700) without copying 120 MB on every start.
 */
export function linkTree(source: string, target: string): void {
  mkdirSync(target, { recursive: true });
  chmodSync(target, 0o755);
  for (const entry of readdirSync(source, { withFileTypes: true })) {
    const from = join(source, entry.name);
    const to = join(target, entry.name);
    if (entry.isDirectory()) linkTree(from, to);
    else if (entry.isSymbolicLink()) symlinkSync(readlinkSync(from), to);
    else {
      try {
        linkSync(from, to);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'EMLINK') throw error;
        copyFileSync(from, to);
        chmodSync(to, lstatSync(from).mode & 0o7777);
      }
    }
  }
}

/** a+r on files, a+x where anyone has x, a+rx on folders: zips may carry 0660 entries. */
export function makeWorldReadable(path: string): void {
  const stat = lstatSync(path);
  if (stat.isSymbolicLink()) return;
  if (stat.isDirectory()) {
    chmodSync(path, (stat.mode & 0o7777) | 0o755);
    for (const name of readdirSync(path)) makeWorldReadable(join(path, name));
  } else {
    const executable = (stat.mode & 0o111) !== 0;
    chmodSync(path, (stat.mode & 0o7777) | 0o444 | (executable ? 0o111 : 0));
  }
}

export function chownTree(path: string, uid: number, gid: number): void {
  chownSync(path, uid, gid);
  if (lstatSync(path).isDirectory()) {
    for (const name of readdirSync(path)) chownTree(join(path, name), uid, gid);
  }
}
