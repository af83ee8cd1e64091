import { parseArgs } from 'node:util';

export type FlagSpec = Record<string, { type: 'string' | 'boolean'; default?: string | boolean }>;

/** `--name value` flags, strict: an unknown flag is an error rather than a silently ignored typo. */
export function readFlags<S extends FlagSpec>(argv: string[], spec: S): { [K in keyof S]: S[K]['type'] extends 'boolean' ? boolean : string } {
  const { values } = parseArgs({ args: argv, options: spec, strict: true, allowPositionals: false });
  return values as unknown as { [K in keyof S]: S[K]['type'] extends 'boolean' ? boolean : string };
}

/** A positive number from a flag, or an error naming the flag. */
export function positive(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number, got ${raw}`);
  return value;
}
