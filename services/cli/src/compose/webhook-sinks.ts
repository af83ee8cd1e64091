import type { Config, Logger } from '@pipewatch/shared';
import { createWebhookSink, type FindingSink } from '@pipewatch/alerter';

/** The generic webhook sink, when PIPEWATCH_WEBHOOK_URL asks for one. */
export function webhookSinks(config: Config, logger: Logger): FindingSink[] {
  if (!config.PIPEWATCH_WEBHOOK_URL) return [];
  return [
    createWebhookSink({
      url: config.PIPEWATCH_WEBHOOK_URL,
      ...(config.PIPEWATCH_WEBHOOK_SECRET ? { secret: config.PIPEWATCH_WEBHOOK_SECRET } : {}),
      timeoutMs: config.PIPEWATCH_WEBHOOK_TIMEOUT_MS,
      retry: { retries: config.PIPEWATCH_WEBHOOK_RETRIES, minDelayMs: 200, maxDelayMs: 10_000 },
      logger,
    }),
  ];
}
