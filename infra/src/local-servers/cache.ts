import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const KAFKA_VERSION = '3.9.1';
/**
 * Newest 8.19 patch published as `integ-test-zip:elasticsearch:<v>:zip`. Maven Central's
 * maven-metadata.xml for that artifact is incomplete and most 8.19 patches have no .pom,
 * so probe for newer ones with the `:zip` classifier, not the pom.
 */
export const ELASTICSEARCH_VERSION = '8.19.21';

/** Outside the repo so clean checkouts and `git clean` do not re-download ~150 MB. */
export function serversCacheDir(): string {
  const fromEnv = process.env.PIPEWATCH_SERVERS_CACHE;
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : join(homedir(), '.cache', 'pipewatch', 'servers');
}

/** Static files (pom, log4j configs) in infra/local-servers: same depth from src/ and dist/. */
export function staticFile(name: string): string {
  return fileURLToPath(new URL(`../../local-servers/${name}`, import.meta.url));
}
