import type { FastifyInstance } from 'fastify';
import type { Logger } from '@pipewatch/shared';

export interface ListenOptions {
  port: number;
  /** Overrides the default choice of interface. */
  host?: string;
  tokens: readonly string[];
  logger: Logger;
}

export interface ListeningCollector {
  /** e.g. `http://127.0.0.1:8080` */
  address: string;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * Without tokens, ingest is unauthenticated, so by default it is only reachable
 * from this machine; configuring tokens opens it to the network.
 */
export async function listenCollector(app: FastifyInstance, options: ListenOptions): Promise<ListeningCollector> {
  const secured = options.tokens.some((token) => token.length > 0);
  const host = options.host ?? (secured ? '0.0.0.0' : '127.0.0.1');
  if (!secured) {
    if (LOOPBACK.has(host)) {
      options.logger.warn('PIPEWATCH_INGEST_TOKENS is unset: ingest is unauthenticated, so the collector listens on loopback only', { host });
    } else {
      options.logger.warn('PIPEWATCH_INGEST_TOKENS is unset but an explicit non-loopback host was given: anyone who can reach it can send events', { host });
    }
  }
  const address = await app.listen({ port: options.port, host });
  options.logger.info('collector listening', { address, auth: secured ? 'bearer' : 'none' });
  return { address, close: () => app.close() };
}
