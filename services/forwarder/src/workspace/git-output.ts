/** Pure parsers for the NUL-separated (`-z`) output of the git commands tracked-files.ts runs. */

export interface IndexEntry {
  mode: string;
  id: string;
  stage: number;
  path: string;
  /** `git ls-files -v` tag: 'H' cached; lower case = assume-unchanged; 'S' = skip-worktree. */
  tag: string;
}

const fields = (output: Buffer | string): string[] => {
  const parts = output.toString('utf8').split('\0');
  if (parts.at(-1) === '') parts.pop();
  return parts;
};

/** `git ls-files -s -v -z`: "<tag> <mode> <id> <stage>\t<path>" per record. */
export function parseLsFiles(output: Buffer | string): IndexEntry[] {
  const entries: IndexEntry[] = [];
  for (const record of fields(output)) {
    const tab = record.indexOf('\t');
    if (tab < 0) continue;
    const [tag, mode, id, stage] = record.slice(0, tab).split(' ');
    if (!tag || !mode || !id || stage === undefined) continue;
    entries.push({ tag, mode, id, stage: Number(stage), path: record.slice(tab + 1) });
  }
  return entries;
}

/**
 * `git status --porcelain=v1 -z`: paths whose working tree differs from the index
 * (second status letter not ' '), plus unmerged ones. Rename/copy records carry the
 * source as an extra field, skipped (asked for --no-renames, but tolerated anyway).
 */
export function parseStatusWorktreeDirty(output: Buffer | string): string[] {
  const parts = fields(output);
  const dirty: string[] = [];
  for (let i = 0; i < parts.length; i += 1) {
    const record = parts[i] ?? '';
    const x = record[0] ?? ' ';
    const y = record[1] ?? ' ';
    const path = record.slice(3);
    if (x === 'R' || x === 'C') i += 1;
    if (y !== ' ' || x === 'U') dirty.push(path);
  }
  return dirty;
}

/** `git check-attr -z --stdin a b...`: "<path>\0<attr>\0<value>\0" triples → path → attr → value (unspecified ones left out). */
export function parseCheckAttr(output: Buffer | string): Map<string, Map<string, string>> {
  const parts = fields(output);
  const byPath = new Map<string, Map<string, string>>();
  for (let i = 0; i + 2 < parts.length; i += 3) {
    const path = parts[i] as string;
    const attr = parts[i + 1] as string;
    const value = parts[i + 2] as string;
    if (value === 'unspecified') continue; // the common case: keeps 20k-path answers cheap
    let attrs = byPath.get(path);
    if (!attrs) byPath.set(path, (attrs = new Map()));
    attrs.set(attr, value);
  }
  return byPath;
}

/** `git config -z --get-regexp ...`: "<key>\n<value>\0" records. */
export function parseConfigList(output: Buffer | string): Map<string, string> {
  const config = new Map<string, string>();
  for (const record of fields(output)) {
    const newline = record.indexOf('\n');
    if (newline < 0) config.set(record.toLowerCase(), 'true');
    else config.set(record.slice(0, newline).toLowerCase(), record.slice(newline + 1));
  }
  return config;
}

/** Attributes that decide whether git converts a file between index and working tree. */
export const CONVERSION_ATTRIBUTES = ['text', 'eol', 'crlf', 'filter', 'ident', 'working-tree-encoding'] as const;

const isValue = (value: string | undefined): value is string =>
  value !== undefined && value !== 'unspecified' && value !== 'unset' && value !== 'set';

/**
 * Whether the working-tree bytes of a file may differ from its index blob although the
 * file is clean (CRLF conversion, a clean/smudge filter such as LFS, $Id$ expansion, a
 * re-encoding). Such files are hashed at start, because the index id would not match.
 * Errs on "may": a false true costs one eager hash, a false false a wrong "changed".
 */
export function mayConvert(attrs: Map<string, string> | undefined, config: Map<string, string>): boolean {
  const get = (name: string): string | undefined => attrs?.get(name);
  if (get('ident') === 'set') return true;
  if (isValue(get('working-tree-encoding'))) return true;
  const filter = get('filter')?.toLowerCase();
  // An attribute naming a driver nobody configured is a no-op in git.
  if (isValue(filter) && ['clean', 'smudge', 'process'].some((key) => config.has(`filter.${filter}.${key}`))) return true;
  const text = get('text');
  const crlf = get('crlf');
  if (text === 'unset' || crlf === 'unset') return false;
  const eol = get('eol');
  if (eol === 'crlf') return true;
  if (eol === 'lf' || crlf === 'input') return false;
  const autocrlf = (config.get('core.autocrlf') ?? 'false').toLowerCase();
  const coreEol = (config.get('core.eol') ?? 'native').toLowerCase();
  const textual = text === 'set' || text === 'auto' || crlf === 'set';
  if (autocrlf === 'true') return true;
  return textual && coreEol === 'crlf';
}
