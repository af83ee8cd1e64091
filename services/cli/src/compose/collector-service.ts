import { createSecureContext } from 'node:tls';
import { ConfigError, decodeJson, errorMessage, Finding, topicNames, type Bus, type Config, type Logger } from '@pipewatch/shared';
import { buildCollectorApp, createCollectorMetrics, createEventDedupe, createFindingsFeed, createGitHubJobLogClient, createLogBatchPublisher, listenCollector, startJobLogEnricher, type CollectorDeps } from '@pipewatch/collector';
import { readConfiguredFile } from './configured-file.js';

export interface RunningService {
  address?: string;
  stop(): Promise<void>;
}

/**
 * The collector over any bus: used alone in distributed mode and inside the embedded default.
 * `env` is where the values of the secrets named by PIPEWATCH_SECRET_NAMES are looked up;
 * `extensions` add routes behind the same auth (the console in the embedded default).
 */
export async function startCollectorOn(
  bus: Bus,
  config: Config,
  logger: Logger,
  env: Record<string, string | undefined> = process.env,
  extensions: NonNullable<CollectorDeps['extensions']> = [],
): Promise<RunningService> {
  const tokens = config.PIPEWATCH_INGEST_TOKENS ?? [];
  const topics = topicNames(config.PIPEWATCH_TOPIC_PREFIX);
  // Findings by run, so a streamed observation is answered with what its run raised so far
  // (forward --fail-on). Each collector follows the findings topic on its own, from now on.
  const findings = createFindingsFeed();
  const feed = await bus.follow(topics.findings, (message) => {
    const parsed = Finding.safeParse(decodeJson(message));
    if (parsed.success) findings.record(parsed.data);
  });
  const dedupe = createEventDedupe(config.PIPEWATCH_DEDUPE_CAPACITY);
  const metrics = createCollectorMetrics();
  const secretValues = knownSecretValues(config.PIPEWATCH_SECRET_NAMES ?? [], env, logger);
  const jobLogs = Boolean(config.PIPEWATCH_GITHUB_TOKEN && config.PIPEWATCH_GITHUB_WEBHOOK_SECRET);
  // Finished GitHub jobs wait on runs.enrich for their log, then go on to runs (one judgement, with the log).
  const enricher = jobLogs
    ? await startJobLogEnricher({
        bus,
        topics,
        github: createGitHubJobLogClient({ apiUrl: config.PIPEWATCH_GITHUB_API_URL, token: config.PIPEWATCH_GITHUB_TOKEN! }),
        publishLogs: createLogBatchPublisher({ bus, topics, dedupe, metrics }),
        knownSecretValues: [...secretValues, config.PIPEWATCH_GITHUB_TOKEN!, ...tokens],
        logger,
      })
    : undefined;
  const app = buildCollectorApp({
    bus,
    topics,
    logger,
    tokens,
    maxBodyBytes: config.PIPEWATCH_MAX_BODY_BYTES,
    dedupe,
    metrics,
    ...(config.PIPEWATCH_GITHUB_WEBHOOK_SECRET ? { github: { secret: config.PIPEWATCH_GITHUB_WEBHOOK_SECRET, jobLogs } } : {}),
    ...(config.PIPEWATCH_GITLAB_WEBHOOK_TOKEN ? { gitlab: { token: config.PIPEWATCH_GITLAB_WEBHOOK_TOKEN } } : {}),
    knownSecretValues: [...secretValues, ...(config.PIPEWATCH_GITHUB_TOKEN ? [config.PIPEWATCH_GITHUB_TOKEN] : [])],
    maxLogLines: config.PIPEWATCH_MAX_LOG_LINES,
    extensions,
    findings,
    ...collectorTls(config),
  });
  const server = await listenCollector(app, {
    port: config.PORT,
    ...(config.PIPEWATCH_HOST ? { host: config.PIPEWATCH_HOST } : {}),
    tokens,
    logger,
  });
  logger.info('collector webhooks', {
    github: config.PIPEWATCH_GITHUB_WEBHOOK_SECRET ? (jobLogs ? 'on, with job logs' : 'on') : 'off',
    gitlab: config.PIPEWATCH_GITLAB_WEBHOOK_TOKEN ? 'on' : 'off',
    jenkins: 'on',
  });
  return {
    address: server.address,
    async stop() {
      await server.close();
      await enricher?.close();
      await feed.close();
    },
  };
}

/** The values of the named variables; names without a value are reported by name, never a value logged. */
function knownSecretValues(names: readonly string[], env: Record<string, string | undefined>, logger: Logger): string[] {
  const values: string[] = [];
  const unset: string[] = [];
  for (const name of names) {
    const value = env[name];
    if (value && value.length > 0) values.push(value);
    else unset.push(name);
  }
  if (unset.length > 0) logger.warn('PIPEWATCH_SECRET_NAMES lists variables that are not set; their values cannot be redacted', { names: unset });
  return values;
}

/** HTTPS when PIPEWATCH_TLS_CERT_FILE and PIPEWATCH_TLS_KEY_FILE are set (the schema requires both or neither). */
function collectorTls(config: Config): { tls?: { cert: Buffer; key: Buffer } } {
  if (!config.PIPEWATCH_TLS_CERT_FILE || !config.PIPEWATCH_TLS_KEY_FILE) return {};
  const cert = readConfiguredFile('PIPEWATCH_TLS_CERT_FILE', config.PIPEWATCH_TLS_CERT_FILE);
  const key = readConfiguredFile('PIPEWATCH_TLS_KEY_FILE', config.PIPEWATCH_TLS_KEY_FILE);
  try {
    // Checked here so a wrong pair is reported by variable name, not as a bare OpenSSL error from the listener.
    createSecureContext({ cert, key });
  } catch (error) {
    throw new ConfigError([`PIPEWATCH_TLS_CERT_FILE, PIPEWATCH_TLS_KEY_FILE: not a usable certificate and key pair (${errorMessage(error)})`]);
  }
  return { tls: { cert, key } };
}
