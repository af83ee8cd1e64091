import { dependency, LockfileSyntaxError, type Dependency } from './dependency.js';

/**
 * `go.sum`: "<module> <version> h1:<base64>" per line. The `<version>/go.mod` lines hash only the
 * module's go.mod (read to build the module graph, not compiled), so they are skipped: the
 * remaining line is the hash of the module's whole source tree.
 */
export function parseGoSum(text: string, source: string): Dependency[] {
  const out: Dependency[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (!line) return;
    const fields = line.split(/\s+/);
    const [module, version, hash] = fields;
    if (fields.length !== 3 || !module || !version || !hash || !/^[a-z0-9]+:/i.test(hash)) {
      throw new LockfileSyntaxError('expected "<module> <version> <hash>"', index + 1);
    }
    if (version.endsWith('/go.mod')) return;
    const dep = dependency(module, version, hash, source);
    if (dep) out.push(dep);
  });
  return out;
}
