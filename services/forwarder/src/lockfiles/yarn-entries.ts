import { LockfileSyntaxError } from './dependency.js';

/** One top-level block of a yarn.lock: its header line and the fields written two spaces in. */
export interface YarnBlock {
  header: string;
  fields: Map<string, string>;
}

export const unquote = (s: string): string => (s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s);

/** The package name in a descriptor like `@scope/name@^1.2.0` or `name@npm:1.2.3`: up to the first `@` past a scope's. */
export function descriptorName(descriptor: string): string {
  const at = descriptor.indexOf('@', 1);
  return at > 0 ? descriptor.slice(0, at) : descriptor;
}

/**
 * Both yarn formats share their shape: a header at column 0 ending in ':', then fields indented by
 * two spaces (`key value` in v1, `key: value` in berry), deeper lines being nested maps we do not
 * need. `field` splits one two-space line into key and raw value, or undefined for a nested map's
 * opening line.
 */
export function yarnBlocks(text: string, field: (line: string) => [string, string] | undefined): YarnBlock[] {
  const blocks: YarnBlock[] = [];
  let current: YarnBlock | undefined;
  text.split(/\r?\n/).forEach((line, index) => {
    const body = line.trimStart();
    if (!body || body.startsWith('#')) return;
    const indent = line.length - body.length;
    if (indent === 0) {
      if (!line.trimEnd().endsWith(':')) throw new LockfileSyntaxError('expected an entry header ending in ":"', index + 1);
      current = { header: line.trimEnd().slice(0, -1), fields: new Map() };
      blocks.push(current);
      return;
    }
    if (!current) throw new LockfileSyntaxError('indented line before any entry', index + 1);
    if (indent !== 2) return;
    const kv = field(body);
    if (kv) current.fields.set(unquote(kv[0]), unquote(kv[1].trim()));
  });
  return blocks;
}
