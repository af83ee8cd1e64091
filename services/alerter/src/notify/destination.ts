import { ConfigError, type RetryPolicy } from '@pipewatch/shared';
import type { RoutesConfig } from '../routing/routes-schema.js';
import { parseWebhookTarget, type WebhookTarget } from '../sinks/webhook-target.js';

/** A notification destination, ready to send to. */
export interface Destination {
  name: string;
  kind: 'slack' | 'webhook';
  /** Slack always gets one message per run. */
  body: 'finding' | 'run';
  target: WebhookTarget;
  secret?: string;
  timeoutMs: number;
  retry: RetryPolicy;
  rateLimit?: { limit: number; intervalMs: number };
}

export interface DestinationDefaults {
  timeoutMs: number;
  retries: number;
  /** Backoff bounds between attempts (full jitter). */
  minDelayMs: number;
  maxDelayMs: number;
}

/**
 * Resolves the routes file's destinations: `url_env` / `secret_env` are looked up
 * in `env` (handed in by the composition root), URLs are parsed once, and Slack
 * URLs are marked so that logs show only their host (the path is the credential).
 */
export function buildDestinations(
  config: Pick<RoutesConfig, 'destinations'>,
  defaults: DestinationDefaults,
  env: Record<string, string | undefined> = {},
): Destination[] {
  const problems: string[] = [];
  const out: Destination[] = [];
  for (const [name, spec] of Object.entries(config.destinations)) {
    const url = spec.url ?? (spec.url_env ? env[spec.url_env] : undefined);
    if (!url) {
      problems.push(`destinations.${name}.url_env: ${spec.url_env} is not set`);
      continue;
    }
    const secret = spec.kind === 'webhook' ? (spec.secret ?? (spec.secret_env ? env[spec.secret_env] : undefined)) : undefined;
    if (spec.kind === 'webhook' && spec.secret_env && !secret) problems.push(`destinations.${name}.secret_env: ${spec.secret_env} is not set`);
    let target: WebhookTarget;
    try {
      target = parseWebhookTarget(url, { revealPath: spec.kind !== 'slack' });
    } catch (error) {
      problems.push(`destinations.${name}.url: ${(error as Error).message}`);
      continue;
    }
    out.push({
      name,
      kind: spec.kind,
      body: spec.kind === 'slack' ? 'run' : spec.body,
      target,
      ...(secret ? { secret } : {}),
      timeoutMs: spec.timeout_ms ?? defaults.timeoutMs,
      retry: { retries: spec.retries ?? defaults.retries, minDelayMs: defaults.minDelayMs, maxDelayMs: defaults.maxDelayMs },
      ...(spec.rate_limit ? { rateLimit: { limit: spec.rate_limit.limit, intervalMs: spec.rate_limit.interval_ms } } : {}),
    });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out;
}

export interface EnvDestinationInput {
  slackWebhookUrl?: string;
  webhookUrl?: string;
  webhookSecret?: string;
}

/**
 * Without a routes file: PIPEWATCH_SLACK_WEBHOOK_URL becomes destination `slack`
 * and PIPEWATCH_WEBHOOK_URL destination `webhook` (one request per finding, as
 * before routing existed), and every finding goes to both.
 */
export function routesFromEnv(input: EnvDestinationInput): RoutesConfig {
  const destinations: RoutesConfig['destinations'] = {};
  if (input.slackWebhookUrl) destinations.slack = { kind: 'slack', url: input.slackWebhookUrl };
  if (input.webhookUrl) {
    destinations.webhook = { kind: 'webhook', url: input.webhookUrl, body: 'finding', ...(input.webhookSecret ? { secret: input.webhookSecret } : {}) };
  }
  return { destinations, routes: [], default: { to: Object.keys(destinations) } };
}
