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
  const known = Object.keys(ConfigSchema.shape);
  const relevant: Record<string, string> = {};
  for (const name of known) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') relevant[name] = value;
  }
  const parsed = ConfigSchema.safeParse(relevant);
  if (parsed.success) return parsed.data;
  // Issue messages name the variable and the rule, never the offending value.
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`);
  throw new ConfigError(problems);
}
