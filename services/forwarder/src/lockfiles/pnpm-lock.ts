import { dependency, LockfileSyntaxError, type Dependency } from './dependency.js';

const unquote = (s: string): string => s.replace(/^(['"])(.*)\1$/, '$2');

/**
 * A `packages:` key as name and version. v6 and v9 write `/name@1.2.3(peer@1.0.0)` and
 * `name@1.2.3` (peer suffixes in parentheses); v5 writes `/name/1.2.3_peer@1.0.0`.
 */
function splitKey(key: string, major: number): [string, string | undefined] {
  const path = key.startsWith('/') ? key.slice(1) : key;
  if (major < 6) {
    const slash = path.lastIndexOf('/');
    return slash > 0 ? [path.slice(0, slash), path.slice(slash + 1).split('_')[0]] : [path, undefined];
  }
  const bare = path.split('(')[0]!;
  const at = bare.lastIndexOf('@');
  return at > 0 ? [bare.slice(0, at), bare.slice(at + 1)] : [bare, undefined];
}

/**
 * `pnpm-lock.yaml` (lockfile v5, v6, v9), read line by line: only the top-level `packages:` map
 * matters, one key per package two spaces in, with `resolution: {integrity: sha512-...}` four
 * spaces in. v9's `snapshots:` (peer variants, no resolution) and `importers:` are ignored.
 * Directory, git and tarball-only resolutions carry no integrity and are skipped. Entries that
 * spell out `name:`/`version:` (non-registry keys) are named by those.
 */
export function parsePnpmLock(text: string, source: string): Dependency[] {
  const versionLine = /^lockfileVersion:\s*['"]?([\d.]+)/m.exec(text);
  if (!versionLine) throw new LockfileSyntaxError('no lockfileVersion');
  const major = Math.floor(Number(versionLine[1]));
  const out: Dependency[] = [];
  let inPackages = false;
  let entry: { key: string; name?: string; version?: string; integrity?: string } | undefined;
  const flush = () => {
    if (!entry?.integrity) return;
    const [name, version] = splitKey(entry.key, major);
    const dep = dependency(entry.name ?? name, entry.version ?? version, entry.integrity, source);
    if (dep) out.push(dep);
  };
  text.split(/\r?\n/).forEach((line, index) => {
    const body = line.trimStart();
    if (!body || body.startsWith('#')) return;
    const indent = line.length - body.length;
    if (indent === 0) {
      flush();
      entry = undefined;
      inPackages = /^packages:\s*$/.test(line);
      return;
    }
    if (!inPackages) return;
    if (indent === 2) {
      flush();
      // The key ends at the first ':' followed by a space or the line's end (`file:dir:` keys hold one more).
      const key = /^(.+?):(?:\s+|$)/.exec(body);
      if (!key) throw new LockfileSyntaxError('expected a package key ending in ":"', index + 1);
      entry = { key: unquote(key[1]!) };
    }
    if (!entry) return;
    const integrity = /(?:^|[{,\s])integrity:\s*([^\s,}]+)/.exec(body);
    if (integrity) entry.integrity = unquote(integrity[1]!);
    const field = indent === 4 ? /^(name|version):\s*(\S+)\s*$/.exec(body) : null;
    if (field) entry[field[1] as 'name' | 'version'] = unquote(field[2]!);
  });
  flush();
  return out;
}
