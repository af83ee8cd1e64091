import type { z } from 'zod';
import { PermanentError } from '../errors.js';
import { ConfigSchema, type Config } from './config-schema.js';

export class ConfigError extends PermanentError {
  readonly problems: string[];

  constructor(problems: string[]) {
    super('bad_config', `invalid configuration:\n  ${problems.join('\n  ')}`);
    this.problems = problems;
  }
}

/**
 * Reads the configuration from an environment map. Empty strings count as unset,
 * and every bad variable is reported at once, so a deploy fails with the full list.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  return loadConfigWith(ConfigSchema, env);
}

/** The same rules for another component's own variables (e.g. the CI-side forwarder). */
export function loadConfigWith<Shape extends z.ZodRawShape>(
  schema: z.ZodObject<Shape>,
  env: Record<string, string | undefined>,
): z.infer<z.ZodObject<Shape>> {
  const relevant: Record<string, string> = {};
  for (const name of Object.keys(schema.shape)) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') relevant[name] = value;
  }
  const parsed = schema.safeParse(relevant);
  if (parsed.success) return parsed.data;
  // Issue messages name the variable and the rule, never the offending value.
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`);
  throw new ConfigError(problems);
}
