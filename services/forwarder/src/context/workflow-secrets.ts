/** The secrets a GitHub workflow file (or one job of it) refers to, by name. */
export interface WorkflowSecrets {
  /** Sorted, unique, upper-case: GitHub secret names are case-insensitive and stored upper-case. */
  names: string[];
  /** `secrets: inherit`: a called reusable workflow gets every secret the caller has. */
  inherit: boolean;
  /** `secrets[<expression>]` with a computed name (a matrix value, `format(...)`): not resolvable here. */
  dynamic: boolean;
  /** `secrets` used whole, e.g. `toJSON(secrets)`: every secret reaches the job. */
  all: boolean;
  /** With a job id: false when no such job was found and the whole file was read instead. */
  jobFound?: boolean;
}

interface Line {
  indent: number;
  /** The text with YAML comments removed; block scalar content is kept as written. */
  text: string;
  /** Content of a `|` or `>` block scalar (a `run:` script): never a boundary. */
  inBlock: boolean;
}

/**
 * Names referenced as `${{ secrets.NAME }}`, `secrets['NAME']` or `secrets.NAME` inside any
 * expression (`${{ }}` and the bare expressions of `if:`). With a job id, only that job's block
 * under `jobs:` plus the workflow-level `env:` count, since those are what the job can see.
 * No YAML library: a line scan that knows indentation, comments and block scalars is enough
 * to cut out a job, and keeps the product free of a parser dependency.
 */
export function secretNamesFromWorkflow(workflowText: string, jobId?: string): WorkflowSecrets {
  const lines = scanLines(workflowText);
  let selected = lines;
  let jobFound: boolean | undefined;
  if (jobId !== undefined) {
    const job = jobBlock(lines, jobId);
    jobFound = job !== undefined;
    if (job) selected = [...topLevelBlock(lines, 'env'), ...job];
  }
  const result = referencesIn(selected);
  return jobFound === undefined ? result : { ...result, jobFound };
}

function scanLines(text: string): Line[] {
  const out: Line[] = [];
  let blockThreshold: number | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const indent = raw.length - raw.trimStart().length;
    const blank = raw.trim().length === 0;
    if (blockThreshold !== undefined && (blank || indent > blockThreshold)) {
      // Inside a run script a `#` line is shell, and GitHub still expands `${{ }}` in it.
      out.push({ indent, text: raw, inBlock: true });
      continue;
    }
    blockThreshold = undefined;
    const text = stripComment(raw);
    out.push({ indent, text, inBlock: false });
    if (/(?:^|[:\s-])[|>][0-9+-]*\s*$/.test(text.trimEnd())) {
      // Content must sit deeper than the key's column (`- run: |` puts the key two past the dash).
      const lead = /^\s*((?:-\s+)*)/.exec(text)?.[0].length ?? indent;
      const hasKey = /^\s*(?:-\s+)*[^\s|>-]/.test(text);
      blockThreshold = hasKey ? lead : indent;
    }
  }
  return out;
}

/** Drops a `#` comment; quotes are tracked naively, which can only keep a comment, never lose code. */
function stripComment(line: string): string {
  if (line.trimStart().startsWith('#')) return '';
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === '#' && i > 0 && /\s/.test(line[i - 1] ?? '')) {
      return line.slice(0, i).trimEnd();
    }
  }
  return line;
}

/** A line that can end a block: not blank, not a comment, not block scalar content. */
function isStructural(line: Line): boolean {
  return !line.inBlock && line.text.trim().length > 0;
}

function keyOf(text: string): string | undefined {
  const match = /^\s*(?:"([^"]*)"|'([^']*)'|([^\s"'#:][^:#]*?))\s*:(?:\s|$)/.exec(text);
  return match ? (match[1] ?? match[2] ?? match[3]) : undefined;
}

function topLevelBlock(lines: Line[], key: string): Line[] {
  const start = lines.findIndex((line) => isStructural(line) && line.indent === 0 && keyOf(line.text) === key);
  if (start < 0) return [];
  return lines.slice(start, blockEnd(lines, start, 0));
}

function jobBlock(lines: Line[], jobId: string): Line[] | undefined {
  const jobsAt = lines.findIndex((line) => isStructural(line) && line.indent === 0 && keyOf(line.text) === 'jobs');
  if (jobsAt < 0) return undefined;
  const end = blockEnd(lines, jobsAt, 0);
  const first = lines.slice(jobsAt + 1, end).find(isStructural);
  if (!first) return undefined;
  const jobIndent = first.indent;
  for (let i = jobsAt + 1; i < end; i++) {
    const line = lines[i] as Line;
    if (isStructural(line) && line.indent === jobIndent && keyOf(line.text) === jobId) {
      return lines.slice(i, blockEnd(lines, i, jobIndent));
    }
  }
  return undefined;
}

/** Index of the first structural line after `start` at or left of `indent`. */
function blockEnd(lines: Line[], start: number, indent: number): number {
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i] as Line;
    if (isStructural(line) && line.indent <= indent) return i;
  }
  return lines.length;
}

const NAMED_DOT = /(?<![\w.-])secrets\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)/g;
const NAMED_INDEX = /(?<![\w.-])secrets\s*\[\s*(?:'([^']+)'|"([^"]+)")\s*\]/g;
const ANY_INDEX = /(?<![\w.-])secrets\s*\[/g;
const WHOLE = /(?<![\w.-])secrets\b(?!\s*[.[])/;

function referencesIn(lines: Line[]): WorkflowSecrets {
  const names = new Set<string>();
  let dynamic = false;
  let all = false;
  let inherit = false;
  const expressions: string[] = [];
  const text = lines.map((line) => line.text).join('\n');
  for (const match of text.matchAll(/\$\{\{([\s\S]*?)\}\}/g)) expressions.push(match[1] ?? '');
  for (const line of lines) {
    if (line.inBlock) continue;
    // `if:` takes a bare expression; secrets are refused there by GitHub, but a reference is still intent.
    const condition = /^\s*(?:-\s+)?if\s*:\s*(.+)$/.exec(line.text)?.[1];
    if (condition && !condition.includes('${{')) expressions.push(condition);
    if (/^\s*(?:-\s+)?secrets\s*:\s*inherit\s*$/.test(line.text)) inherit = true;
  }
  for (const expression of expressions) {
    for (const match of expression.matchAll(NAMED_DOT)) names.add((match[1] ?? '').toUpperCase());
    let named = 0;
    for (const match of expression.matchAll(NAMED_INDEX)) {
      names.add((match[1] ?? match[2] ?? '').toUpperCase());
      named++;
    }
    if ([...expression.matchAll(ANY_INDEX)].length > named) dynamic = true;
    if (WHOLE.test(expression)) all = true;
  }
  names.delete('');
  return { names: [...names].sort(), inherit, dynamic, all };
}
