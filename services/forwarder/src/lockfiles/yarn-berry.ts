import { dependency, type Dependency } from './dependency.js';
import { descriptorName, unquote, yarnBlocks } from './yarn-entries.js';

/**
 * Yarn berry (2+): YAML-shaped, `__metadata` first, `resolution: "name@npm:1.2.3"` and
 * `checksum: [<cacheKey>/]<hex>`. The checksum is the sha512 of yarn's cache zip of the package (not
 * of npm's tarball), so it is reported as `sha512:<hex>`; the cache-key prefix is dropped because the
 * hex already differs when the cache key does. Workspaces, links and portals have no checksum.
 */
export function parseYarnBerryLock(text: string, source: string): Dependency[] {
  const out: Dependency[] = [];
  for (const block of yarnBlocks(text, (line) => {
    const m = /^("[^"]*"|[^\s:]+):\s+(\S.*)$/.exec(line);
    return m ? [m[1]!, m[2]!] : undefined;
  })) {
    if (block.header === '__metadata') continue;
    const checksum = block.fields.get('checksum');
    const hex = checksum?.slice(checksum.lastIndexOf('/') + 1).toLowerCase();
    if (!hex || !/^[0-9a-f]+$/.test(hex)) continue;
    const descriptor = block.fields.get('resolution') ?? unquote(block.header.split(/,\s*/)[0]!.trim());
    const dep = dependency(descriptorName(descriptor), block.fields.get('version'), `sha512:${hex}`, source);
    if (dep) out.push(dep);
  }
  return out;
}
