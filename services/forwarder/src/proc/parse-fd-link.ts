/** What one /proc/<pid>/fd/<n> link points at, as far as the sampler cares. */
export type FdTarget = { kind: 'socket'; inode: number } | { kind: 'file'; path: string } | { kind: 'other' };

/** Reads the target of an fd link: `socket:[123]`, `/etc/hosts`, `pipe:[9]`, `anon_inode:[eventfd]`, ... */
export function parseFdLink(link: string): FdTarget {
  const socket = /^socket:\[(\d+)\]$/.exec(link);
  if (socket) return { kind: 'socket', inode: Number(socket[1]) };
  if (link.startsWith('/')) return { kind: 'file', path: link };
  return { kind: 'other' };
}

/** Files whose reading means the process is about to resolve a name (glibc reads them on every lookup). */
export const NAME_LOOKUP_FILES: ReadonlySet<string> = new Set(['/etc/hosts', '/etc/resolv.conf', '/etc/nsswitch.conf']);

/** `/proc/<pid>/exe` of a binary that was deleted after it started ends in ` (deleted)`. */
export function parseExeLink(link: string): { path: string; deleted: boolean } {
  const suffix = ' (deleted)';
  return link.endsWith(suffix) ? { path: link.slice(0, -suffix.length), deleted: true } : { path: link, deleted: false };
}
