/** One field the contract's tables name, as a path into a payload. */
export interface ContractField {
  /** e.g. `resources.queue_s`, `access.egress`. */
  path: string;
  /** Written `name[]`: an array of objects. */
  array: boolean;
  /** Keys of an object shape written in the type column, e.g. `{host?, ip?, port?}`. */
  shape: ShapeKey[];
}

export interface ShapeKey {
  key: string;
  children: ShapeKey[];
}

/** The body of `## <number>. ...` up to the next `## ` heading. */
export function contractSection(markdown: string, number: number): string {
  const sections = markdown.split(/^## /m);
  const section = sections.find((text) => text.startsWith(`${number}. `));
  if (!section) throw new Error(`contract has no section ${number}`);
  return section;
}

/** Splits a markdown table row on pipes that are not escaped as `\|`. */
function cells(row: string): string[] {
  return row
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim());
}

/** Splits `a, b: {c, d}, e` at the commas outside braces and quotes. */
function topLevelParts(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && char === '{') depth += 1;
    else if (!quoted && char === '}') depth -= 1;
    if (char === ',' && depth === 0 && !quoted) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  if (current.trim() !== '') parts.push(current);
  return parts;
}

/** Keys of a shape like `{framework: "OSC&R", technique: {id: "T0159", name}, mitigations?: string[]}`. */
export function parseShape(type: string): ShapeKey[] {
  const body = type.trim().replace(/^`|`$/g, '');
  if (!body.startsWith('{') || !body.endsWith('}')) return [];
  return topLevelParts(body.slice(1, -1)).map((part) => {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\??\s*(?::\s*([\s\S]*))?$/.exec(part);
    if (!match?.[1]) throw new Error(`cannot read shape part ${JSON.stringify(part)} of ${type}`);
    return { key: match[1], children: match[2] ? parseShape(match[2]) : [] };
  });
}

/**
 * Field paths named in the first column of a section's table. Later names on a
 * row share the first name's prefix when they have none of their own:
 * `resources.duration_s`, `queue_s` → `resources.duration_s`, `resources.queue_s`.
 */
export function contractFields(section: string): ContractField[] {
  const rows = section.split('\n').filter((line) => line.trim().startsWith('|'));
  const fields: ContractField[] = [];
  for (const row of rows.slice(2)) {
    const [names = '', type = ''] = cells(row);
    const written = [...names.matchAll(/`([^`]+)`/g)].map((match) => match[1] ?? '');
    const first = written[0] ?? '';
    const prefix = first.includes('.') ? first.slice(0, first.lastIndexOf('.') + 1) : '';
    for (const name of written) {
      const array = name.endsWith('[]');
      const bare = array ? name.slice(0, -2) : name;
      fields.push({ path: bare.includes('.') ? bare : `${prefix}${bare}`, array, shape: parseShape(type) });
    }
  }
  return fields;
}
