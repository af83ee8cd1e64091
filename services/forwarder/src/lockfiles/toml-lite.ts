import { LockfileSyntaxError } from './dependency.js';

/** One TOML table: its header (`package` for `[[package]]`), whether it was an array table, and each key's raw value text. */
export interface TomlTable {
  header: string;
  array: boolean;
  values: Map<string, string>;
}

/** How far `[`/`{` nesting moved over `text`, ignoring brackets inside strings and after a `#` comment. */
function nesting(text: string, depth: number): number {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#') break;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
  }
  return depth;
}

/** A basic ("...") or literal ('...') TOML string, or undefined for any other value. */
export function tomlString(raw: string | undefined): string | undefined {
  const value = raw?.trim();
  if (!value) return undefined;
  if (/^'[^']*'$/.test(value)) return value.slice(1, -1);
  if (!/^"(?:[^"\\]|\\.)*"$/.test(value)) return undefined;
  try {
    return JSON.parse(value) as string; // TOML's basic-string escapes are JSON's, bar the rare \e and \U.
  } catch {
    return undefined;
  }
}

/**
 * The subset of TOML that lockfiles (Cargo, poetry, uv) are written in: `[table]` and `[[array]]`
 * headers, and `key = value` lines whose value may run over several lines while an array, inline
 * table or multi-line string is open. Values are kept as raw text; callers pick strings with `tomlString` or scan
 * them for `hash = "..."`. Anything else at the top level is a syntax error.
 */
export function scanToml(text: string): TomlTable[] {
  const tables: TomlTable[] = [{ header: '', array: false, values: new Map() }];
  // A value still open at the line's end: an array or inline table (`depth` > 0) or a multi-line string (`closer`).
  let open: { key: string; parts: string[]; depth: number; closer?: string; line: number } | undefined;
  text.split(/\r?\n/).forEach((line, index) => {
    const table = tables[tables.length - 1]!;
    if (open) {
      open.parts.push(line);
      if (open.closer) {
        if (line.includes(open.closer)) open.closer = undefined;
      } else {
        open.depth = nesting(line, open.depth);
      }
      if (!open.closer && open.depth <= 0) {
        table.values.set(open.key, open.parts.join('\n'));
        open = undefined;
      }
      return;
    }
    const body = line.trim();
    if (!body || body.startsWith('#')) return;
    const header = /^(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$/.exec(body);
    if (header) {
      tables.push({ header: header[2]!, array: header[1] === '[[', values: new Map() });
      return;
    }
    const kv = /^("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_.-]+)\s*=\s*(.*)$/.exec(body);
    if (!kv) throw new LockfileSyntaxError('not a TOML key, value or table header', index + 1);
    const key = tomlString(kv[1]) ?? kv[1]!;
    const value = kv[2]!;
    const quotes = value.slice(0, 3);
    if ((quotes === '"""' || quotes === "'''") && !value.slice(3).includes(quotes)) {
      open = { key, parts: [value], depth: 0, closer: quotes, line: index + 1 };
      return;
    }
    const depth = nesting(value, 0);
    if (depth > 0) open = { key, parts: [value], depth, line: index + 1 };
    else table.values.set(key, value);
  });
  if (open) throw new LockfileSyntaxError(`value of "${open.key}" is never closed`, open.line);
  return tables;
}

/** Every `hash = "algo:hex"` inside a raw value (poetry's `files`, uv's `sdist` and `wheels`). */
export function hashesIn(raw: string | undefined): string[] {
  return raw ? [...raw.matchAll(/\bhash\s*=\s*"([^"]+)"/g)].map((m) => m[1]!) : [];
}
