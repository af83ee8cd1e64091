/**
 * JSON as a tree that is rendered to text by hand, so a fuzzed body can hold what a
 * JavaScript object cannot: an own `__proto__` key, duplicate keys, and numbers
 * such as `1e309` or `-0` written exactly as a hostile client would send them.
 */
export type JsonNode =
  | { kind: 'raw'; text: string }
  | { kind: 'array'; items: JsonNode[] }
  | { kind: 'object'; entries: [string, JsonNode][] };

export const raw = (text: string): JsonNode => ({ kind: 'raw', text });

/** A tree from a plain value (what JSON.stringify would write). */
export function toTree(value: unknown): JsonNode {
  if (Array.isArray(value)) return { kind: 'array', items: value.map(toTree) };
  if (value !== null && typeof value === 'object') {
    return { kind: 'object', entries: Object.entries(value).map(([key, item]) => [key, toTree(item)]) };
  }
  return raw(JSON.stringify(value) ?? 'null');
}

export function render(node: JsonNode): string {
  switch (node.kind) {
    case 'raw':
      return node.text;
    case 'array':
      return `[${node.items.map(render).join(',')}]`;
    case 'object':
      return `{${node.entries.map(([key, item]) => `${JSON.stringify(key)}:${render(item)}`).join(',')}}`;
  }
}

export function clone(node: JsonNode): JsonNode {
  switch (node.kind) {
    case 'raw':
      return { ...node };
    case 'array':
      return { kind: 'array', items: node.items.map(clone) };
    case 'object':
      return { kind: 'object', entries: node.entries.map(([key, item]) => [key, clone(item)]) };
  }
}

/** Where a node sits: its parent and the slot holding it, so a mutation can replace it. */
export interface Slot {
  node: JsonNode;
  path: string;
  replace(next: JsonNode): void;
}

/** Every node under `root` (root excluded), depth first, with a way to replace each. */
export function slots(root: JsonNode, path = ''): Slot[] {
  const out: Slot[] = [];
  if (root.kind === 'array') {
    root.items.forEach((item, index) => {
      const here = `${path}[${index}]`;
      out.push({ node: item, path: here, replace: (next) => (root.items[index] = next) }, ...slots(item, here));
    });
  } else if (root.kind === 'object') {
    root.entries.forEach((entry, index) => {
      const here = path ? `${path}.${entry[0]}` : entry[0];
      out.push({ node: entry[1], path: here, replace: (next) => (root.entries[index] = [entry[0], next]) }, ...slots(entry[1], here));
    });
  }
  return out;
}

/** Every object node, the root included, with its path. */
export function objects(root: JsonNode): { node: Extract<JsonNode, { kind: 'object' }>; path: string }[] {
  const all = [{ node: root, path: '' }, ...slots(root)];
  return all.filter((item): item is { node: Extract<JsonNode, { kind: 'object' }>; path: string } => item.node.kind === 'object');
}

/** `depth` levels of arrays or objects around a 1: JSON.parse copes, recursive code may not. */
export function deepNesting(depth: number, shape: 'array' | 'object'): JsonNode {
  return shape === 'array' ? raw(`${'['.repeat(depth)}1${']'.repeat(depth)}`) : raw(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);
}
