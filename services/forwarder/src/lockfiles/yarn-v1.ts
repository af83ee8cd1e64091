import { dependency, type Dependency } from './dependency.js';
import { descriptorName, unquote, yarnBlocks } from './yarn-entries.js';

/**
 * Yarn classic (`# yarn lockfile v1`): `"name@range", name@range2:` headers, `version "x"` and
 * `integrity sha512-...` fields. The integrity is npm's SRI string, kept as written. Entries with no
 * integrity (link:, file:, very old lockfiles) are skipped: they pin nothing we could compare.
 */
export function parseYarnV1Lock(text: string, source: string): Dependency[] {
  const out: Dependency[] = [];
  for (const block of yarnBlocks(text, (line) => {
    const m = /^("[^"]*"|\S+)\s+(\S.*)$/.exec(line);
    return m && !m[1]!.endsWith(':') ? [m[1]!, m[2]!] : undefined;
  })) {
    const integrity = block.fields.get('integrity');
    if (!integrity) continue;
    const first = unquote(block.header.split(/,\s*/)[0]!.trim());
    const dep = dependency(descriptorName(first), block.fields.get('version'), integrity, source);
    if (dep) out.push(dep);
  }
  return out;
}
