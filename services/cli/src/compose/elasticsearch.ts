import type { Config, Logger } from '@pipewatch/shared';
import { createElasticsearchSink } from '@pipewatch/alerter';
import { INFRA_FILES, readJsonFile } from '@pipewatch/infra';

/** The Elasticsearch findings sink as configured by ELASTICSEARCH_* and the template in infra/. */
export function elasticsearchSinkFor(config: Config, logger: Logger): ReturnType<typeof createElasticsearchSink> {
  return createElasticsearchSink({
    url: config.ELASTICSEARCH_URL!,
    logger,
    indexPrefix: config.PIPEWATCH_ES_INDEX_PREFIX,
    ...elasticsearchAuth(config),
    retry: { retries: 8, minDelayMs: 200, maxDelayMs: 10_000 },
    template: readJsonFile(INFRA_FILES.findingsIndexTemplate) as Record<string, unknown>,
  });
}

function elasticsearchAuth(config: Config): { auth?: { apiKey: string } | { username: string; password: string } } {
  if (config.ELASTICSEARCH_API_KEY) return { auth: { apiKey: config.ELASTICSEARCH_API_KEY } };
  if (config.ELASTICSEARCH_USERNAME && config.ELASTICSEARCH_PASSWORD) {
    return { auth: { username: config.ELASTICSEARCH_USERNAME, password: config.ELASTICSEARCH_PASSWORD } };
  }
  return {};
}
