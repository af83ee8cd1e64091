/** The process environment as the context readers take it: passed in, never read from `process.env` here. */
export type Env = Readonly<Record<string, string | undefined>>;

/** A variable's value with surrounding blanks removed; undefined when unset or blank. */
export function envValue(env: Env, name: string): string | undefined {
  const trimmed = env[name]?.trim();
  return trimmed ? trimmed : undefined;
}
