import { join } from 'node:path';
import { KAFKA_VERSION, serversCacheDir, staticFile } from './cache.js';
import { fetchOnce } from './fetch-once.js';
import { DEPENDENCY_PLUGIN, runMaven } from './maven.js';

export interface KafkaInstall {
  readonly version: string;
  readonly home: string;
  /** Flat folder of jars: the broker, its CLI tools and a log4j backend. */
  readonly libs: string;
}

/**
 * Kafka is not published as a distribution on Maven Central, but its jars are: a small
 * pom (infra/local-servers/kafka-pom.xml) resolves them into <cache>/kafka-<v>/libs.
 */
export async function fetchKafka(): Promise<KafkaInstall> {
  const home = join(serversCacheDir(), `kafka-${KAFKA_VERSION}`);
  await fetchOnce(home, async (partial) => {
    await runMaven([
      '-f',
      staticFile('kafka-pom.xml'),
      `-Dkafka.version=${KAFKA_VERSION}`,
      `${DEPENDENCY_PLUGIN}:copy-dependencies`,
      '-DincludeScope=runtime',
      `-DoutputDirectory=${join(partial, 'libs')}`,
    ]);
  });
  return { version: KAFKA_VERSION, home, libs: join(home, 'libs') };
}
