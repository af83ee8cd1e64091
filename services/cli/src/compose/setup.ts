import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { ConfigError, type Config, type Logger } from '@pipewatch/shared';
import { INFRA_FILES } from '@pipewatch/infra';
import { connectKafka } from './kafka.js';
import { elasticsearchSinkFor } from './elasticsearch.js';

/**
 * `pipewatch setup`: the one-shot provisioning a deployment needs before the
 * services start. Every step is idempotent, so it is safe to run on each deploy.
 */
export async function runSetup(config: Config, logger: Logger): Promise<void> {
  if (!config.KAFKA_BROKERS?.length && !config.ELASTICSEARCH_URL && !config.KIBANA_URL) {
    throw new ConfigError(['KAFKA_BROKERS, ELASTICSEARCH_URL or KIBANA_URL: set at least one to provision']);
  }
  if (config.KAFKA_BROKERS?.length) {
    const bus = await connectKafka(config, logger, 'setup');
    await bus.close();
    logger.info('kafka topics ready');
  }
  if (config.ELASTICSEARCH_URL) {
    const sink = elasticsearchSinkFor(config, logger);
    await sink.ensureTemplate();
    await sink.close?.();
    logger.info('elasticsearch index template ready');
  }
  if (config.KIBANA_URL) {
    await importKibanaObjects(config.KIBANA_URL);
    logger.info('kibana saved objects imported');
  }
}

async function importKibanaObjects(kibanaUrl: string): Promise<void> {
  const form = new FormData();
  const file = await readFile(INFRA_FILES.kibanaSavedObjects);
  form.append('file', new Blob([file], { type: 'application/ndjson' }), basename(INFRA_FILES.kibanaSavedObjects));
  const response = await fetch(new URL('/api/saved_objects/_import?overwrite=true', kibanaUrl), {
    method: 'POST',
    headers: { 'kbn-xsrf': 'pipewatch-setup' },
    body: form,
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await response.json().catch(() => ({}))) as { success?: boolean; errors?: unknown };
  if (!response.ok || body.success === false) {
    throw new Error(`Kibana import failed with ${response.status}: ${JSON.stringify(body.errors ?? body).slice(0, 500)}`);
  }
}
