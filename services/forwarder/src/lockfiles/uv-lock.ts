import { dependency, pythonDigest, type Dependency } from './dependency.js';
import { hashesIn, scanToml, tomlString } from './toml-lite.js';

/**
 * `uv.lock`: `[[package]]` name and version, with `sdist = { ..., hash = "sha256:..." }` and
 * `wheels = [{ ..., hash = ... }, ...]`; all of a package's artifact hashes are folded into one
 * digest by `pythonDigest`. Editable, virtual, directory and git packages (the project itself among
 * them) have no hashes and are skipped.
 */
export function parseUvLock(text: string, source: string): Dependency[] {
  const out: Dependency[] = [];
  for (const table of scanToml(text)) {
    if (table.header !== 'package' || !table.array) continue;
    const name = tomlString(table.values.get('name'));
    const digest = pythonDigest([...hashesIn(table.values.get('sdist')), ...hashesIn(table.values.get('wheels'))]);
    const dep = name && digest && dependency(name, tomlString(table.values.get('version')), digest, source);
    if (dep) out.push(dep);
  }
  return out;
}
