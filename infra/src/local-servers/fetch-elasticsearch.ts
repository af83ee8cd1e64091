import { readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ELASTICSEARCH_VERSION, serversCacheDir } from './cache.js';
import { fetchOnce } from './fetch-once.js';
import { makeWorldReadable } from './file-tree.js';
import { DEPENDENCY_PLUGIN, runMaven } from './maven.js';
import { unzipArchive } from './unzip.js';

export interface ElasticsearchInstall {
  readonly version: string;
  /** Unpacked distribution; never run in place: each start links a private copy. */
  readonly home: string;
}

/**
 * Elastic's own test distribution (server, netty HTTP, x-pack core/security, no JDK),
 * published on Maven Central as an integ-test-zip. ~97 MB download, ~120 MB unpacked.
 */
export async function fetchElasticsearch(): Promise<ElasticsearchInstall> {
  const home = join(serversCacheDir(), `elasticsearch-${ELASTICSEARCH_VERSION}`);
  await fetchOnce(home, async (partial) => {
    const work = `${partial}.work`;
    rmSync(work, { recursive: true, force: true });
    try {
      await runMaven([
        `${DEPENDENCY_PLUGIN}:copy`,
        `-Dartifact=org.elasticsearch.distribution.integ-test-zip:elasticsearch:${ELASTICSEARCH_VERSION}:zip`,
        `-DoutputDirectory=${work}`,
      ]);
      const zip = join(work, `elasticsearch-${ELASTICSEARCH_VERSION}.zip`);
      const unpacked = join(work, 'unpacked');
      await unzipArchive(zip, unpacked);
      const [top] = readdirSync(unpacked);
      if (top === undefined) throw new Error(`${zip} is empty`);
      // The Elasticsearch user reads it through hard links, so the modes must allow it.
      makeWorldReadable(join(unpacked, top));
      renameSync(join(unpacked, top), partial);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
  return { version: ELASTICSEARCH_VERSION, home };
}
