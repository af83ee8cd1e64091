import fc from 'fast-check';
import { clone, deepNesting, objects, raw, slots, toTree, type JsonNode } from './json-tree.js';
import { PROTOTYPE_KEYS, RAW_NUMBERS, hostileKey, pollutionPayload, trickString } from './hostile-values.js';

/**
 * One targeted change to a well-formed payload. `pick` chooses the node (modulo
 * how many candidates there are), so shrinking moves towards the first one.
 */
export type Mutation =
  | { kind: 'prototype_key'; pick: number; key: (typeof PROTOTYPE_KEYS)[number] }
  | { kind: 'unknown_key'; pick: number; key: string }
  | { kind: 'duplicate_key'; pick: number; value: JsonNode }
  | { kind: 'delete_key'; pick: number }
  | { kind: 'wrong_type'; pick: number; value: JsonNode }
  | { kind: 'raw_number'; pick: number; text: string }
  | { kind: 'deep_nesting'; pick: number; depth: number; shape: 'array' | 'object' }
  | { kind: 'huge_string'; pick: number; length: number }
  | { kind: 'huge_array'; pick: number; length: number }
  | { kind: 'trick_string'; pick: number; text: string };

const otherValue: fc.Arbitrary<JsonNode> = fc.oneof(
  fc.constant(raw('null')),
  fc.constant(raw('true')),
  fc.constant(raw('{}')),
  fc.constant(raw('[]')),
  fc.constant(raw('"x"')),
  fc.constant(raw('-1')),
  fc.constant(raw('1.5')),
  fc.jsonValue({ maxDepth: 2 }).map(toTree),
);

export function mutationArb(options: { maxHugeString: number; maxHugeArray: number; maxDepth: number }): fc.Arbitrary<Mutation> {
  const pick = fc.nat({ max: 10_000 });
  return fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('prototype_key' as const), pick, key: fc.constantFrom(...PROTOTYPE_KEYS) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('unknown_key' as const), pick, key: hostileKey }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate_key' as const), pick, value: otherValue }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete_key' as const), pick }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('wrong_type' as const), pick, value: otherValue }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('raw_number' as const), pick, text: fc.constantFrom(...RAW_NUMBERS) }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('deep_nesting' as const),
        pick,
        depth: fc.oneof(fc.constant(options.maxDepth), fc.integer({ min: 2, max: options.maxDepth })),
        shape: fc.constantFrom('array' as const, 'object' as const),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('huge_string' as const), pick, length: fc.integer({ min: 1_000, max: options.maxHugeString }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('huge_array' as const), pick, length: fc.integer({ min: 100, max: options.maxHugeArray }) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('trick_string' as const), pick, text: trickString }) },
  );
}

const jsonString = (text: string): JsonNode => raw(JSON.stringify(text));

/** Applies a mutation to a copy of `tree`; returns the copy and the path it touched. */
export function applyMutation(tree: JsonNode, mutation: Mutation): { tree: JsonNode; path: string } {
  const root = clone(tree);
  const all = slots(root);
  const leaves = all.filter((slot) => slot.node.kind === 'raw');
  const choose = <T>(items: T[]): T | undefined => (items.length === 0 ? undefined : items[mutation.pick % items.length]);
  switch (mutation.kind) {
    case 'prototype_key': {
      const target = choose(objects(root))!;
      target.node.entries.splice(mutation.pick % (target.node.entries.length + 1), 0, [mutation.key, raw(pollutionPayload(mutation.key))]);
      return { tree: root, path: target.path ? `${target.path}.${mutation.key}` : mutation.key };
    }
    case 'unknown_key': {
      const target = choose(objects(root))!;
      target.node.entries.push([mutation.key, raw('"fuzz"')]);
      return { tree: root, path: target.path };
    }
    case 'duplicate_key': {
      const target = choose(objects(root).filter((item) => item.node.entries.length > 0));
      if (!target) return { tree: root, path: '' };
      const [key] = target.node.entries[mutation.pick % target.node.entries.length]!;
      target.node.entries.push([key, mutation.value]);
      return { tree: root, path: target.path ? `${target.path}.${key}` : key };
    }
    case 'delete_key': {
      const target = choose(objects(root).filter((item) => item.node.entries.length > 0));
      if (!target) return { tree: root, path: '' };
      const [removed] = target.node.entries.splice(mutation.pick % target.node.entries.length, 1);
      return { tree: root, path: target.path ? `${target.path}.${removed![0]}` : removed![0] };
    }
    case 'wrong_type':
    case 'raw_number':
    case 'deep_nesting':
    case 'huge_array':
    case 'huge_string':
    case 'trick_string': {
      const pool = mutation.kind === 'raw_number' ? leaves.filter((slot) => /^-?\d/.test((slot.node as { text: string }).text)) : mutation.kind === 'huge_string' || mutation.kind === 'trick_string' ? leaves.filter((slot) => (slot.node as { text: string }).text.startsWith('"')) : all;
      const target = choose(pool.length > 0 ? pool : all);
      if (!target) return { tree: root, path: '' };
      target.replace(replacement(mutation, target.node));
      return { tree: root, path: target.path };
    }
  }
}

function replacement(mutation: Mutation, current: JsonNode): JsonNode {
  switch (mutation.kind) {
    case 'wrong_type':
      return mutation.value;
    case 'raw_number':
      return raw(mutation.text);
    case 'deep_nesting':
      return deepNesting(mutation.depth, mutation.shape);
    case 'huge_string':
      return jsonString('x'.repeat(mutation.length));
    case 'huge_array':
      // Many copies of a small leaf (the element type the field wants); a large one would make a gigabyte body.
      const item = current.kind === 'raw' && current.text.length <= 100 ? current.text : '1';
      return raw(`[${Array.from({ length: mutation.length }, () => item).join(',')}]`);
    case 'trick_string': {
      // Keeps a marker the runner turns into a unique id, so a tricked id is still new.
      const text = current.kind === 'raw' && current.text.includes('@@ID@@') ? `@@ID@@${mutation.text}` : mutation.text;
      return jsonString(text);
    }
    default:
      return current;
  }
}
