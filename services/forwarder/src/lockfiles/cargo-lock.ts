import { dependency, type Dependency } from './dependency.js';
import { scanToml, tomlString } from './toml-lite.js';

/**
 * `Cargo.lock`: `[[package]]` tables with `checksum = "<sha256 hex>"` of the crate file. Path and
 * git packages (the workspace's own crates among them) have none and are skipped. Lockfiles from
 * before Cargo 1.41 kept the checksums apart, as `"checksum <name> <version> (<source>)" = "<hex>"`
 * under `[metadata]`; those are read too.
 */
export function parseCargoLock(text: string, source: string): Dependency[] {
  const out: Dependency[] = [];
  const push = (name: string | undefined, version: string | undefined, hex: string | undefined) => {
    if (!name || !hex || !/^[0-9a-f]{64}$/i.test(hex)) return;
    const dep = dependency(name, version, `sha256:${hex.toLowerCase()}`, source);
    if (dep) out.push(dep);
  };
  for (const table of scanToml(text)) {
    if (table.header === 'package' && table.array) {
      push(tomlString(table.values.get('name')), tomlString(table.values.get('version')), tomlString(table.values.get('checksum')));
    } else if (table.header === 'metadata') {
      for (const [key, raw] of table.values) {
        const m = /^checksum (\S+) (\S+) \(/.exec(key);
        if (m) push(m[1], m[2], tomlString(raw));
      }
    }
  }
  return out;
}
