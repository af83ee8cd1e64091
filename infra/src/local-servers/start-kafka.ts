import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { staticFile } from './cache.js';
import { cleanupOrphans } from './cleanup-orphans.js';
import { fetchKafka } from './fetch-kafka.js';
import { javaBin } from './java.js';
import { kafkaBrokerReady } from './kafka-probe.js';
import { runKafkaTool } from './kafka-tool.js';
import { pickPorts } from './pick-ports.js';
import { toProperties, type Settings } from './properties.js';
import { ServerProcess, type ServerExit } from './server-process.js';
import { waitForReady } from './wait-ready.js';

export interface LocalKafkaOptions {
  /** PLAINTEXT port; a free one when omitted. */
  readonly port?: number;
  /** KRaft controller port; a free one when omitted. */
  readonly controllerPort?: number;
  /** How long to wait for readiness. Default 90 s. */
  readonly timeoutMs?: number;
  /** Extra server.properties entries; they override the defaults. */
  readonly properties?: Settings;
  /**
   * Run in this dir instead of a fresh temp dir. A dir an earlier start left behind
   * (see keepData) is reused with its data: topics, messages and committed offsets.
   */
  readonly dir?: string;
  /** stop() leaves the dir, so a start with `dir` and the same ports restarts this broker. Default false. */
  readonly keepData?: boolean;
}

export interface LocalKafka {
  /** bootstrap.servers value, e.g. '127.0.0.1:40123'. */
  readonly brokers: string;
  readonly port: number;
  readonly controllerPort: number;
  /** The broker JVM. */
  readonly pid: number;
  /** Per-start temp dir (config, data, kafka.log); removed by stop() unless keepData. */
  readonly dir: string;
  readonly logFile: string;
  /** Settles when the broker process ends, whoever ended it. */
  readonly exited: Promise<ServerExit>;
  /** SIGTERM, up to 20 s for a clean shutdown, then SIGKILL; idempotent. */
  stop(): Promise<void>;
}

/** Kafka's Uuid: 16 random bytes, base64url without padding, not starting with '-'. */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** A fresh single-node KRaft broker (broker and controller in one JVM) on 127.0.0.1. */
export async function startLocalKafka(options: LocalKafkaOptions = {}): Promise<LocalKafka> {
  const kafka = await fetchKafka();
  await cleanupOrphans();
  const [port, controllerPort] = (await pickPorts([options.port, options.controllerPort])) as [number, number];
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'pipewatch-kafka-'));
  mkdirSync(dir, { recursive: true });
  // A formatted log dir holds the cluster id: formatting it again would fail.
  const formatted = existsSync(join(dir, 'data', 'meta.properties'));
  const config = join(dir, 'server.properties');
  const logFile = join(dir, 'kafka.log');
  writeFileSync(
    config,
    toProperties({
      'process.roles': 'broker,controller',
      'node.id': 1,
      // Static voters: storage is formatted without --standalone.
      'controller.quorum.voters': `1@127.0.0.1:${controllerPort}`,
      listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
      'advertised.listeners': `PLAINTEXT://127.0.0.1:${port}`,
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      'controller.listener.names': 'CONTROLLER',
      'inter.broker.listener.name': 'PLAINTEXT',
      'log.dirs': join(dir, 'data'),
      'num.partitions': 3,
      'auto.create.topics.enable': true,
      // One broker: internal topics cannot have more replicas than that.
      'offsets.topic.replication.factor': 1,
      'transaction.state.log.replication.factor': 1,
      'transaction.state.log.min.isr': 1,
      // Consumers in tests join one at a time; waiting 3 s for more only slows them.
      'group.initial.rebalance.delay.ms': 0,
      ...options.properties,
    }),
  );
  try {
    if (!formatted) await runKafkaTool('kafka.tools.StorageTool', ['format', '-t', clusterId(), '-c', config]);
  } catch (error) {
    if (options.keepData !== true) rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const server = new ServerProcess({
    kind: 'kafka',
    command: javaBin(),
    args: [
      '-Xms256m',
      '-Xmx512m',
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-XX:+ExitOnOutOfMemoryError',
      '-Djava.awt.headless=true',
      `-Dlog4j.configuration=${pathToFileURL(staticFile('kafka-log4j.properties')).href}`,
      '-cp',
      `${kafka.libs}/*`,
      'kafka.Kafka',
      config,
    ],
    cwd: dir,
    env: process.env,
    dir,
    logFile,
    keepDir: options.keepData === true,
  });
  await waitForReady(server, 'Kafka', () => kafkaBrokerReady('127.0.0.1', port), options.timeoutMs ?? 90_000);
  return {
    brokers: `127.0.0.1:${port}`,
    port,
    controllerPort,
    pid: server.mainPid,
    dir,
    logFile,
    exited: server.exited,
    stop: () => server.stop(),
  };
}
