import { dependency, pythonDigest, type Dependency } from './dependency.js';
import { hashesIn, scanToml, tomlString } from './toml-lite.js';

/** PEP 503 name normalisation, so `[metadata.files]` keys match `[[package]]` names however they are spelt. */
const normal = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');

/**
 * `poetry.lock`: `[[package]]` name and version, and `files = [{file = ..., hash = "sha256:..."}]`,
 * one hash per sdist and wheel (folded into one digest by `pythonDigest`). Lock format 1.x
 * (Poetry < 1.2) kept the files under `[metadata.files]`, keyed by package name; both are read.
 * Path, directory and git packages have no files and are skipped.
 */
export function parsePoetryLock(text: string, source: string): Dependency[] {
  const tables = scanToml(text);
  const legacy = new Map<string, string[]>();
  for (const [key, raw] of tables.find((t) => t.header === 'metadata.files')?.values ?? []) legacy.set(normal(key), hashesIn(raw));
  const out: Dependency[] = [];
  for (const table of tables) {
    if (table.header !== 'package' || !table.array) continue;
    const name = tomlString(table.values.get('name'));
    if (!name) continue;
    const hashes = table.values.has('files') ? hashesIn(table.values.get('files')) : (legacy.get(normal(name)) ?? []);
    const digest = pythonDigest(hashes);
    const dep = digest && dependency(name, tomlString(table.values.get('version')), digest, source);
    if (dep) out.push(dep);
  }
  return out;
}
