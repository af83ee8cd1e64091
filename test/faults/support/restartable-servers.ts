import { rmSync } from 'node:fs';
import { startLocalElasticsearch, startLocalKafka, type LocalElasticsearch, type LocalKafka } from '@pipewatch/infra';

/** On a busy two-core machine an Elasticsearch start has taken over two minutes. */
const RESTART_TIMEOUT_MS = 300_000;

/**
 * A local server of our own (never the shared test servers: stopping those would
 * break other suites) that can be stopped and started again on the same port and
 * the same data, as an outage and its recovery look to clients.
 */
export interface RestartableServer {
  /** What clients connect to; the same across restarts. */
  readonly address: string;
  /** Stops the server (SIGTERM, as an operator or orchestrator would), keeping its data. */
  stop(): Promise<void>;
  /** Starts it again on the same port, with its data. */
  start(): Promise<void>;
  /** Stops it and removes its data. */
  destroy(): Promise<void>;
}

export async function startRestartableKafka(): Promise<RestartableServer> {
  let server: LocalKafka | undefined = await startLocalKafka({ keepData: true, timeoutMs: RESTART_TIMEOUT_MS });
  const { port, controllerPort, dir } = server;
  return {
    address: server.brokers,
    async stop() {
      await server?.stop();
      server = undefined;
    },
    async start() {
      server = await startLocalKafka({ dir, port, controllerPort, keepData: true, timeoutMs: RESTART_TIMEOUT_MS });
    },
    async destroy() {
      await server?.stop();
      server = undefined;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function startRestartableElasticsearch(): Promise<RestartableServer> {
  let server: LocalElasticsearch | undefined = await startLocalElasticsearch({ keepData: true, timeoutMs: RESTART_TIMEOUT_MS });
  const { httpPort, transportPort, dir } = server;
  return {
    address: server.url,
    async stop() {
      await server?.stop();
      server = undefined;
    },
    async start() {
      server = await startLocalElasticsearch({ dir, httpPort, transportPort, keepData: true, timeoutMs: RESTART_TIMEOUT_MS });
    },
    async destroy() {
      await server?.stop();
      server = undefined;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
