import { join, resolve } from 'node:path';
import type { Config, Logger } from '@pipewatch/shared';
import {
  addressPolicyFromSetting,
  buildDestinations,
  createFileDeadLetterStore,
  createFileNotificationLedger,
  createFileSuppressionStore,
  createNotifier,
  createRouter,
  createSuppressionCache,
  loadRoutesFile,
  routesFromEnv,
  type DeadLetterStore,
  type Destination,
  type NotificationLedger,
  type Notifier,
  type RoutesConfig,
  type SendSettings,
  type SuppressionStore,
} from '@pipewatch/alerter';

/** How long the alerter trusts its copy of the suppressions before reading them again. */
export const SUPPRESSION_REFRESH_MS = 1_000;

export interface NotificationDestinations {
  routes: RoutesConfig;
  destinations: Destination[];
}

/**
 * The destinations and routes: from PIPEWATCH_ROUTES_FILE when set, otherwise
 * PIPEWATCH_SLACK_WEBHOOK_URL (`slack`) and PIPEWATCH_WEBHOOK_URL (`webhook`,
 * one request per finding), both for every finding. The webhook settings of the
 * environment are each destination's defaults.
 */
export async function notificationDestinations(config: Config, env: Record<string, string | undefined>): Promise<NotificationDestinations> {
  const routes = config.PIPEWATCH_ROUTES_FILE
    ? await loadRoutesFile(config.PIPEWATCH_ROUTES_FILE)
    : routesFromEnv({
        ...(config.PIPEWATCH_SLACK_WEBHOOK_URL ? { slackWebhookUrl: config.PIPEWATCH_SLACK_WEBHOOK_URL } : {}),
        ...(config.PIPEWATCH_WEBHOOK_URL ? { webhookUrl: config.PIPEWATCH_WEBHOOK_URL } : {}),
        ...(config.PIPEWATCH_WEBHOOK_SECRET ? { webhookSecret: config.PIPEWATCH_WEBHOOK_SECRET } : {}),
      });
  const destinations = buildDestinations(
    routes,
    { timeoutMs: config.PIPEWATCH_WEBHOOK_TIMEOUT_MS, retries: config.PIPEWATCH_WEBHOOK_RETRIES, minDelayMs: 200, maxDelayMs: 10_000 },
    env,
  );
  return { routes, destinations };
}

export function sendSettingsFor(config: Config): SendSettings {
  return {
    policy: addressPolicyFromSetting(config.PIPEWATCH_ALLOW_PRIVATE_DESTINATIONS),
    links: {
      ...(config.PIPEWATCH_KIBANA_BASE_URL ? { kibanaBaseUrl: config.PIPEWATCH_KIBANA_BASE_URL } : {}),
      ...(config.PIPEWATCH_CONSOLE_BASE_URL ? { consoleBaseUrl: config.PIPEWATCH_CONSOLE_BASE_URL } : {}),
    },
  };
}

/** The embedded default's notification state: files in the data dir. */
export const DATA_DIR_FILES = {
  ledger: 'notifications.ndjson',
  deadLetters: 'notifications.deadletter.ndjson',
  suppressions: 'suppressions.json',
} as const;

export function dataDirPath(config: Config, file: keyof typeof DATA_DIR_FILES): string {
  return join(resolve(config.PIPEWATCH_DATA_DIR), DATA_DIR_FILES[file]);
}

export const fileSuppressionStoreFor = (config: Config): SuppressionStore => createFileSuppressionStore({ path: dataDirPath(config, 'suppressions') });
export const fileDeadLetterStoreFor = (config: Config): DeadLetterStore => createFileDeadLetterStore({ path: dataDirPath(config, 'deadLetters') });
export const fileLedgerFor = (config: Config): Promise<NotificationLedger> => createFileNotificationLedger({ path: dataDirPath(config, 'ledger') });

export interface NotificationState {
  ledger: NotificationLedger;
  deadLetters: DeadLetterStore;
  suppressions: SuppressionStore;
}

/** The notifier and suppression check as configured, over the given stores. */
export async function notificationsFor(
  config: Config,
  logger: Logger,
  env: Record<string, string | undefined>,
  state: NotificationState,
): Promise<{ notifier: Notifier; suppressions: ReturnType<typeof createSuppressionCache> }> {
  const { routes, destinations } = await notificationDestinations(config, env);
  const notifier = createNotifier({
    destinations,
    router: createRouter(routes),
    ledger: state.ledger,
    deadLetters: state.deadLetters,
    send: sendSettingsFor(config),
    windowMs: config.PIPEWATCH_GROUP_WINDOW_MS,
    logger: logger.child({ component: 'notifier' }),
  });
  const suppressions = createSuppressionCache({ store: state.suppressions, refreshMs: SUPPRESSION_REFRESH_MS, logger });
  return { notifier, suppressions };
}
