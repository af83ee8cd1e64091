import { readFile } from 'node:fs/promises';
import { ConfigError, describeIssues } from '@pipewatch/shared';
import { parse as parseYaml } from 'yaml';
import { RoutesConfig } from './routes-schema.js';

/**
 * Reads and validates a routes file. YAML is a superset of JSON, so one parser
 * takes both. Every problem is reported at once, by path, in a ConfigError.
 */
export async function loadRoutesFile(path: string): Promise<RoutesConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError([`PIPEWATCH_ROUTES_FILE: cannot read ${path}: ${(error as Error).message}`]);
  }
  return parseRoutes(text, path);
}

export function parseRoutes(text: string, source = 'routes'): RoutesConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new ConfigError([`${source}: not YAML or JSON: ${(error as Error).message.split('\n')[0]}`]);
  }
  const parsed = RoutesConfig.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(describeIssues(parsed.error).map((issue) => `${source}: ${issue.path}: ${issue.message}`));
  }
  return parsed.data;
}
