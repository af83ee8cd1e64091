import type { Config, Logger } from '@pipewatch/shared';
import {
  createElasticsearchNotificationLedger,
  createElasticsearchSink,
  createElasticsearchSuppressionStore,
  createEsRest,
  type EsRest,
  type NotificationLedger,
  type SuppressionStore,
} from '@pipewatch/alerter';
import { INFRA_FILES, readJsonFile } from '@pipewatch/infra';
import { readConfiguredFile } from './configured-file.js';

/** The Elasticsearch findings sink as configured by ELASTICSEARCH_* and the template in infra/. */
export function elasticsearchSinkFor(config: Config, logger: Logger): ReturnType<typeof createElasticsearchSink> {
  return createElasticsearchSink({
    url: config.ELASTICSEARCH_URL!,
    logger,
    indexPrefix: config.PIPEWATCH_ES_INDEX_PREFIX,
    ...elasticsearchAuth(config),
    ...elasticsearchTls(config),
    retry: { retries: 8, minDelayMs: 200, maxDelayMs: 10_000 },
    template: readJsonFile(INFRA_FILES.findingsIndexTemplate) as Record<string, unknown>,
  });
}

/**
 * The alerter's bookkeeping indices, named after the findings prefix so that two
 * deployments sharing a cluster keep them apart: `pipewatch-findings` gives
 * `pipewatch-notifications` and `pipewatch-suppressions`; a prefix not ending in
 * `findings` gets `<prefix>.notifications`, outside the `<prefix>-*` findings pattern.
 */
export function bookkeepingIndices(config: Config): { notifications: string; suppressions: string } {
  const prefix = config.PIPEWATCH_ES_INDEX_PREFIX;
  const base = prefix.endsWith('findings') && prefix.length > 'findings'.length ? prefix.slice(0, -'findings'.length) : `${prefix}.`;
  return { notifications: `${base}notifications`, suppressions: `${base}suppressions` };
}

export function esRestFor(config: Config): EsRest {
  return createEsRest({ url: config.ELASTICSEARCH_URL!, ...elasticsearchAuth(config), ...elasticsearchTls(config) });
}

export function elasticsearchSuppressionStoreFor(config: Config): SuppressionStore {
  return createElasticsearchSuppressionStore({ es: esRestFor(config), index: bookkeepingIndices(config).suppressions });
}

export function elasticsearchLedgerFor(config: Config): NotificationLedger {
  return createElasticsearchNotificationLedger({ es: esRestFor(config), index: bookkeepingIndices(config).notifications });
}

export function elasticsearchAuth(config: Config): { auth?: { apiKey: string } | { username: string; password: string } } {
  if (config.ELASTICSEARCH_API_KEY) return { auth: { apiKey: config.ELASTICSEARCH_API_KEY } };
  if (config.ELASTICSEARCH_USERNAME && config.ELASTICSEARCH_PASSWORD) {
    return { auth: { username: config.ELASTICSEARCH_USERNAME, password: config.ELASTICSEARCH_PASSWORD } };
  }
  return {};
}

/**
 * A private CA (ELASTICSEARCH_CA_FILE) and, for test clusters only, turning off
 * certificate checks. Checked for readability at start; the sink and the REST
 * client read the file themselves.
 */
function elasticsearchTls(config: Config): { tls?: { caFile?: string; rejectUnauthorized?: boolean } } {
  if (!config.ELASTICSEARCH_CA_FILE && config.ELASTICSEARCH_TLS_REJECT_UNAUTHORIZED) return {};
  if (config.ELASTICSEARCH_CA_FILE) readConfiguredFile('ELASTICSEARCH_CA_FILE', config.ELASTICSEARCH_CA_FILE);
  return {
    tls: {
      ...(config.ELASTICSEARCH_CA_FILE ? { caFile: config.ELASTICSEARCH_CA_FILE } : {}),
      rejectUnauthorized: config.ELASTICSEARCH_TLS_REJECT_UNAUTHORIZED,
    },
  };
}
