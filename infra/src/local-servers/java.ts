import { existsSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

/**
 * The JDK both servers run on. JAVA_HOME is deliberately not consulted: on these machines
 * it may name the Temurin 25 JDK, which Elasticsearch 8.19 is not certified on, while the
 * `java` on PATH is the JDK 17 default. PIPEWATCH_JAVA_HOME overrides.
 */
export function javaHome(): string {
  const override = process.env.PIPEWATCH_JAVA_HOME;
  if (override !== undefined && override !== '') return override;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'java');
    // /usr/bin/java is an alternatives symlink chain ending in <home>/bin/java.
    if (dir !== '' && existsSync(candidate)) return dirname(dirname(realpathSync(candidate)));
  }
  throw new Error('no java on PATH: install a JDK 17 or set PIPEWATCH_JAVA_HOME');
}

export function javaBin(): string {
  return join(javaHome(), 'bin', 'java');
}
