#!/usr/bin/env node
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serversCacheDir } from './cache.js';
import { cleanupOrphans } from './cleanup-orphans.js';
import { fetchElasticsearch } from './fetch-elasticsearch.js';
import { fetchKafka } from './fetch-kafka.js';
import { startLocalElasticsearch, type LocalElasticsearch } from './start-elasticsearch.js';
import { startLocalKafka, type LocalKafka } from './start-kafka.js';

/**
 * node infra/dist/local-servers/cli.js up|down|fetch
 *   up     start Kafka and Elasticsearch, print and write <cache>/env, stay until Ctrl-C/SIGTERM
 *   down   stop every server in the pid registry (also those of a running `up`)
 *   fetch  only download into the cache
 */

const envFile = () => join(serversCacheDir(), 'env');

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

async function fetchAll(): Promise<void> {
  let t = Date.now();
  const kafka = await fetchKafka();
  console.error(`kafka ${kafka.version}: ${kafka.home} (${seconds(t)})`);
  t = Date.now();
  const es = await fetchElasticsearch();
  console.error(`elasticsearch ${es.version}: ${es.home} (${seconds(t)})`);
}

async function up(): Promise<number> {
  await cleanupOrphans();
  const t = Date.now();
  // Started side by side: each mostly waits on its own JVM, and the machine has 2 cores.
  const [kafka, es] = await Promise.allSettled([startLocalKafka(), startLocalElasticsearch()]);
  if (kafka.status === 'rejected' || es.status === 'rejected') {
    await Promise.all([kafka, es].map((r) => (r.status === 'fulfilled' ? r.value.stop() : undefined)));
    throw kafka.status === 'rejected' ? kafka.reason : (es as PromiseRejectedResult).reason;
  }
  const servers: [LocalKafka, LocalElasticsearch] = [kafka.value, es.value];
  const lines = `KAFKA_BROKERS=${servers[0].brokers}\nELASTICSEARCH_URL=${servers[1].url}\n`;
  writeFileSync(envFile(), lines);
  process.stdout.write(lines);
  console.error(`up in ${seconds(t)}; env written to ${envFile()}; Ctrl-C to stop`);

  // The servers are unref'd child processes: without this the event loop would be empty
  // and `up` would exit (stopping them through the exit hook) right away.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  const reason = await new Promise<string>((resolve) => {
    // process.on, not once: while ours is registered the library's own signal hook
    // leaves the shutdown to us (it would otherwise kill and exit synchronously).
    process.on('SIGINT', () => resolve('SIGINT'));
    process.on('SIGTERM', () => resolve('SIGTERM'));
    process.on('SIGHUP', () => resolve('SIGHUP'));
    void servers[0].exited.then(() => resolve('kafka exited'));
    void servers[1].exited.then(() => resolve('elasticsearch exited'));
  });
  clearInterval(keepAlive);
  console.error(`${reason}: stopping`);
  const stopStart = Date.now();
  await Promise.all(servers.map((server) => server.stop()));
  removeEnvFile(lines);
  console.error(`stopped in ${seconds(stopStart)}`);
  return reason.startsWith('SIG') ? 0 : 1;
}

/** Only our own env file: a later `up` may have replaced it. */
function removeEnvFile(expected?: string): void {
  try {
    if (expected === undefined || readFileSync(envFile(), 'utf8') === expected) rmSync(envFile(), { force: true });
  } catch {
    // already gone
  }
}

async function down(): Promise<void> {
  const cleaned = await cleanupOrphans({ all: true });
  for (const server of cleaned) {
    console.error(`${server.kind} (process group ${server.pgid}): ${server.killed ? 'stopped' : 'was already gone'}`);
  }
  if (cleaned.length === 0) console.error('nothing recorded in the pid registry');
  removeEnvFile();
}

async function main(command: string | undefined): Promise<number> {
  switch (command) {
    case 'fetch':
      await fetchAll();
      return 0;
    case 'up':
      return up();
    case 'down':
      await down();
      return 0;
    default:
      console.error('usage: cli.js up | down | fetch');
      return 2;
  }
}

main(process.argv[2]).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
