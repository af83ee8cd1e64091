import { dependency, LockfileSyntaxError, type Dependency } from './dependency.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * `package-lock.json` / `npm-shrinkwrap.json`. Versions 2 and 3 list every installed copy in
 * `packages`, keyed by its path (`node_modules/a/node_modules/b`); version 1 only has the nested
 * `dependencies` tree. v2 carries both, so `packages` wins when present (reading both would count
 * every package twice). The root (`""`), workspace folders, links and bundled copies carry no
 * `integrity` and are skipped. One entry per installed copy: de-duplication is the caller's.
 */
export function parseNpmLock(text: string, source: string): Dependency[] {
  let lock: unknown;
  try {
    lock = JSON.parse(text);
  } catch {
    // V8's message quotes the text around the fault; errors travel in the event, lockfile text should not.
    throw new LockfileSyntaxError('not valid JSON');
  }
  if (!isObject(lock)) throw new LockfileSyntaxError('not a JSON object');
  const out: Dependency[] = [];
  const add = (name: string, entry: Json) => {
    const integrity = str(entry.integrity);
    if (!integrity || entry.link === true || entry.inBundle === true || entry.bundled === true) return;
    const dep = dependency(name, str(entry.version), integrity, source);
    if (dep) out.push(dep);
  };

  if (isObject(lock.packages)) {
    for (const [path, entry] of Object.entries(lock.packages)) {
      if (!isObject(entry)) continue;
      const at = path.lastIndexOf('node_modules/');
      // `name` is written for aliased installs (node_modules/foo holding bar): report the real package.
      const name = str(entry.name) ?? (at >= 0 ? path.slice(at + 'node_modules/'.length) : '');
      if (name) add(name, entry);
    }
    return out;
  }
  const walk = (deps: unknown) => {
    if (!isObject(deps)) return;
    for (const [name, entry] of Object.entries(deps)) {
      if (!isObject(entry)) continue;
      add(name, entry);
      walk(entry.dependencies);
    }
  };
  if (lock.dependencies !== undefined && !isObject(lock.dependencies)) throw new LockfileSyntaxError('`dependencies` is not an object');
  walk(lock.dependencies);
  return out;
}
