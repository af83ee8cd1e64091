import { z } from 'zod';

const commaList = z
  .string()
  .transform((value) => value.split(',').map((item) => item.trim()).filter((item) => item.length > 0));

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

const positiveInt = z.coerce.number().int().positive();

const flag = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((value) => value === 'true');

const filePath = z.string().min(1);

/**
 * Every environment variable pipewatch reads, with its default. The README's
 * configuration table lists the same names.
 */
export const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  PIPEWATCH_HOST: z.string().min(1).optional(),
  PIPEWATCH_DATA_DIR: z.string().min(1).default('./.pipewatch'),
  PIPEWATCH_LOG_LEVEL: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
  PIPEWATCH_INGEST_TOKENS: commaList.optional(),
  PIPEWATCH_MAX_BODY_BYTES: positiveInt.default(5 * 1024 * 1024),
  PIPEWATCH_DEDUPE_CAPACITY: positiveInt.default(100_000),
  PIPEWATCH_MIN_RUNS: z.coerce.number().int().min(2).max(1000).default(10),
  PIPEWATCH_WEBHOOK_URL: httpUrl.optional(),
  PIPEWATCH_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  PIPEWATCH_WEBHOOK_TIMEOUT_MS: positiveInt.default(5_000),
  PIPEWATCH_WEBHOOK_RETRIES: z.coerce.number().int().min(0).max(50).default(6),
  PIPEWATCH_TOPIC_PREFIX: z.string().regex(/^[a-zA-Z0-9._-]*$/, 'letters, digits, dot, dash, underscore').default('pipewatch.'),
  KAFKA_BROKERS: commaList.optional(),
  PIPEWATCH_KAFKA_CLIENT_ID: z.string().min(1).default('pipewatch'),
  PIPEWATCH_KAFKA_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(6),
  PIPEWATCH_KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(10).default(1),
  PIPEWATCH_KAFKA_PUBLISH_TIMEOUT_MS: positiveInt.default(10_000),
  // Kafka transport security: TLS to the brokers, and SASL authentication.
  KAFKA_SSL: flag.default(false),
  KAFKA_SSL_CA_FILE: filePath.optional(),
  KAFKA_SSL_CERT_FILE: filePath.optional(),
  KAFKA_SSL_KEY_FILE: filePath.optional(),
  KAFKA_SSL_REJECT_UNAUTHORIZED: flag.default(true),
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
  PIPEWATCH_DETECTOR_GROUP: z.string().min(1).default('pipewatch-detector'),
  PIPEWATCH_ALERTER_GROUP: z.string().min(1).default('pipewatch-alerter'),
  ELASTICSEARCH_URL: httpUrl.optional(),
  ELASTICSEARCH_API_KEY: z.string().min(1).optional(),
  ELASTICSEARCH_USERNAME: z.string().min(1).optional(),
  ELASTICSEARCH_PASSWORD: z.string().min(1).optional(),
  ELASTICSEARCH_CA_FILE: filePath.optional(),
  ELASTICSEARCH_TLS_REJECT_UNAUTHORIZED: flag.default(true),
  KIBANA_URL: httpUrl.optional(),
  PIPEWATCH_ES_INDEX_PREFIX: z.string().regex(/^[a-z0-9._-]+$/, 'lower-case letters, digits, dot, dash, underscore').default('pipewatch-findings'),
  PIPEWATCH_SLACK_WEBHOOK_URL: httpUrl.optional(),
  // CI webhooks (collector).
  PIPEWATCH_GITHUB_WEBHOOK_SECRET: z.string().min(8, 'must be at least 8 characters').optional(),
  /** A fine-grained token or App installation token with actions: read: finished jobs are judged with their job log. */
  PIPEWATCH_GITHUB_TOKEN: z.string().min(8, 'must be at least 8 characters').optional(),
  PIPEWATCH_GITHUB_API_URL: z.string().url().default('https://api.github.com'),
  PIPEWATCH_GITLAB_WEBHOOK_TOKEN: z.string().min(8, 'must be at least 8 characters').optional(),
  PIPEWATCH_MAX_LOG_LINES: positiveInt.default(10_000),
  /** With PIPEWATCH_TLS_KEY_FILE: the collector serves HTTPS with this PEM certificate (chain). */
  PIPEWATCH_TLS_CERT_FILE: filePath.optional(),
  PIPEWATCH_TLS_KEY_FILE: filePath.optional(),
  /** Comma-separated names of environment variables / CI secrets whose values are redacted wherever they appear. */
  PIPEWATCH_SECRET_NAMES: commaList.optional(),
  // Alert delivery (alerter).
  PIPEWATCH_ROUTES_FILE: z.string().min(1).optional(),
  PIPEWATCH_KIBANA_BASE_URL: httpUrl.optional(),
  PIPEWATCH_CONSOLE_BASE_URL: httpUrl.optional(),
  PIPEWATCH_GROUP_WINDOW_MS: z.coerce.number().int().min(0).max(600_000).default(2_000),
  PIPEWATCH_ALLOW_PRIVATE_DESTINATIONS: z
    .enum(['true', 'false', 'loopback'])
    .default('false'),
}).superRefine((config, context) => {
  // Settings that only work together are checked together, so a half-configured
  // TLS or SASL setup fails at start instead of silently running in clear text.
  const problem = (name: string, message: string): void => context.addIssue({ code: 'custom', path: [name], message, input: undefined });
  const bothOrNeither = (a: keyof typeof config, b: keyof typeof config): void => {
    if (config[a] !== undefined && config[b] === undefined) problem(String(b), `required when ${String(a)} is set`);
    if (config[b] !== undefined && config[a] === undefined) problem(String(a), `required when ${String(b)} is set`);
  };
  bothOrNeither('PIPEWATCH_TLS_CERT_FILE', 'PIPEWATCH_TLS_KEY_FILE');
  bothOrNeither('KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE');
  if (!config.KAFKA_SSL) {
    for (const name of ['KAFKA_SSL_CA_FILE', 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE'] as const) {
      if (config[name] !== undefined) problem(name, 'only used with KAFKA_SSL=true; set it too');
    }
  }
  if (config.KAFKA_SASL_MECHANISM !== undefined) {
    for (const name of ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'] as const) {
      if (config[name] === undefined) problem(name, `required when KAFKA_SASL_MECHANISM is set`);
    }
  } else if (config.KAFKA_SASL_USERNAME !== undefined || config.KAFKA_SASL_PASSWORD !== undefined) {
    problem('KAFKA_SASL_MECHANISM', 'required when KAFKA_SASL_USERNAME or KAFKA_SASL_PASSWORD is set (plain, scram-sha-256 or scram-sha-512)');
  }
  bothOrNeither('ELASTICSEARCH_USERNAME', 'ELASTICSEARCH_PASSWORD');
});

export type Config = z.infer<typeof ConfigSchema>;

/** Names whose values are secrets: never printed, even in config errors. */
export const SECRET_CONFIG_KEYS: ReadonlySet<string> = new Set([
  'PIPEWATCH_INGEST_TOKENS',
  'PIPEWATCH_WEBHOOK_SECRET',
  'PIPEWATCH_SLACK_WEBHOOK_URL',
  'ELASTICSEARCH_API_KEY',
  'ELASTICSEARCH_PASSWORD',
  'KAFKA_SASL_PASSWORD',
  'PIPEWATCH_GITHUB_WEBHOOK_SECRET',
  'PIPEWATCH_GITHUB_TOKEN',
  'PIPEWATCH_GITLAB_WEBHOOK_TOKEN',
]);
