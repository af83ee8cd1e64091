import { join } from 'node:path';
import type { Logger } from '@pipewatch/shared';
import {
  buildDestinations,
  createFileDeadLetterStore,
  createFileNotificationLedger,
  createNotifier,
  createRouter,
  parseRoutes,
  type DeadLetterStore,
  type Notifier,
} from '../../src/index.js';

export interface Harness {
  notifier: Notifier;
  deadLetters: DeadLetterStore;
  ledgerPath: string;
}

export interface HarnessOptions {
  dir: string;
  /** The routes file, as YAML. */
  routes: string;
  windowMs: number;
  logger: Logger;
  retries?: number;
  timeoutMs?: number;
  start?: boolean;
  /** What `url_env` / `secret_env` in the routes refer to. */
  env?: Record<string, string>;
}

/** A notifier over real files in `dir`, sending to loopback receivers, as the embedded default builds it. */
export async function startNotifier(options: HarnessOptions): Promise<Harness> {
  const routes = parseRoutes(options.routes);
  const ledgerPath = join(options.dir, 'notifications.ndjson');
  const deadLetters = createFileDeadLetterStore({ path: join(options.dir, 'notifications.deadletter.ndjson') });
  const notifier = createNotifier({
    destinations: buildDestinations(routes, { timeoutMs: options.timeoutMs ?? 2_000, retries: options.retries ?? 6, minDelayMs: 10, maxDelayMs: 40 }, options.env),
    router: createRouter(routes),
    ledger: await createFileNotificationLedger({ path: ledgerPath }),
    deadLetters,
    send: { policy: 'loopback', links: { consoleBaseUrl: 'http://127.0.0.1:8080' } },
    windowMs: options.windowMs,
    logger: options.logger,
    closeGraceMs: 500,
  });
  if (options.start !== false) await notifier.start();
  return { notifier, deadLetters, ledgerPath };
}
