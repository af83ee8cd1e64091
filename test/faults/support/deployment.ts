import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { spawnPipewatch, type RunningChild } from '../../helpers/spawn-pipewatch.js';

export type Role = 'collector' | 'detector' | 'alerter';

export interface DeploymentOptions {
  brokers: string;
  esUrl: string;
  webhookUrl: string;
  /** Extra environment for every service. */
  env?: Record<string, string>;
}

/**
 * One distributed pipewatch (a collector, a detector, an alerter as child
 * processes) with topics, groups and indices of its own, so fault tests share
 * servers with other suites without seeing their data. The collector keeps one
 * port across restarts, as it would behind a load balancer or a service name.
 */
export interface Deployment {
  readonly id: string;
  readonly env: Record<string, string>;
  readonly indexPrefix: string;
  readonly topics: { runs: string; findings: string };
  readonly groups: { detector: string; alerter: string };
  /** `http://127.0.0.1:<fixed port>` */
  readonly collectorUrl: string;
  running(role: Role): RunningChild;
  start(role: Role): Promise<RunningChild>;
  /** SIGKILL: no shutdown code runs. */
  kill(role: Role): Promise<void>;
  /** How long each start of each role took until it logged `<role> started`. */
  startMs: Record<Role, number[]>;
  /** Warnings and errors every child logged, for a failing test's message. */
  troubles(limit?: number): string;
  stopAll(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function createDeployment(options: DeploymentOptions): Promise<Deployment> {
  const id = randomUUID().slice(0, 8);
  const prefix = `pwfault.${id}.`;
  const indexPrefix = `pwfault-${id}-findings`;
  const port = await freePort();
  const env: Record<string, string> = {
    KAFKA_BROKERS: options.brokers,
    ELASTICSEARCH_URL: options.esUrl,
    PIPEWATCH_TOPIC_PREFIX: prefix,
    PIPEWATCH_KAFKA_PARTITIONS: '3',
    PIPEWATCH_DETECTOR_GROUP: `pwfault-${id}-detector`,
    PIPEWATCH_ALERTER_GROUP: `pwfault-${id}-alerter`,
    PIPEWATCH_ES_INDEX_PREFIX: indexPrefix,
    PIPEWATCH_WEBHOOK_URL: options.webhookUrl,
    PIPEWATCH_ALLOW_PRIVATE_DESTINATIONS: 'loopback',
    ...options.env,
  };
  const children = new Map<Role, RunningChild>();
  const retired: RunningChild[] = [];
  const startMs: Record<Role, number[]> = { collector: [], detector: [], alerter: [] };
  return {
    id,
    env,
    indexPrefix,
    topics: { runs: `${prefix}runs`, findings: `${prefix}findings` },
    groups: { detector: env.PIPEWATCH_DETECTOR_GROUP!, alerter: env.PIPEWATCH_ALERTER_GROUP! },
    collectorUrl: `http://127.0.0.1:${port}`,
    startMs,
    running(role) {
      const child = children.get(role);
      if (!child) throw new Error(`no ${role} running`);
      return child;
    },
    async start(role) {
      const began = Date.now();
      const child = await spawnPipewatch([role], { ...env, ...(role === 'collector' ? { PORT: String(port) } : {}) }, `${role} started`, 90_000);
      children.set(role, child);
      startMs[role].push(Date.now() - began);
      return child;
    },
    async kill(role) {
      const child = children.get(role);
      if (!child) return;
      children.delete(role);
      retired.push(child);
      await child.stop('SIGKILL');
    },
    troubles(limit = 40) {
      // Per service: how often each warning or error was logged, then the latest ones.
      const lines: string[] = [];
      for (const child of [...retired, ...children.values()]) {
        const bad = child.logs.filter((record) => record.level === 'warn' || record.level === 'error');
        if (bad.length === 0) continue;
        const counts = new Map<string, number>();
        for (const record of bad) counts.set(String(record.message), (counts.get(String(record.message)) ?? 0) + 1);
        lines.push(`  ${String(bad[0]!.service)} (pid ${child.child.pid}): ${[...counts].map(([message, n]) => `${n}× ${message.slice(0, 120)}`).join(' | ')}`);
        for (const record of bad.slice(-Math.ceil(limit / 8))) lines.push(`    ${JSON.stringify(record).slice(0, 300)}`);
      }
      return lines.slice(-limit).join('\n');
    },
    async stopAll() {
      await Promise.all([...children.values()].map((child) => child.stop('SIGKILL')));
      children.clear();
    },
  };
}
