import { baselineToText } from '@pipewatch/detector';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createInMemoryBus, silentLogger, topicNames } from '@pipewatch/shared';
import { buildCollectorApp, createBearerAuth, createEventDedupe } from '@pipewatch/collector';
import { createFileSuppressionStore } from '@pipewatch/alerter';
import { buildConsoleApp } from '../../src/build-console-app.js';
import { createFileBaselineReader } from '../../src/baselines/file-baseline-reader.js';
import { createNdjsonFindingsReader } from '../../src/findings/ndjson-findings-reader.js';
import type { ConsoleDeps } from '../../src/http/console-deps.js';
import { registerConsole } from '../../src/http/register-console.js';
import { ndjson, runScenario, type Scenario } from './scenario.js';

export interface ConsoleHarness {
  url: string;
  dataDir: string;
  scenario: Scenario;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  post(path: string, body: string, contentType: string, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

/**
 * A data dir as the embedded default leaves it (findings and baselines written
 * by the real detector over the scenario), served by the standalone console
 * app, or by the collector app with the console as an extension.
 */
export async function startConsoleHarness(options: { tokens?: string[]; shape?: 'standalone' | 'collector' } = {}): Promise<ConsoleHarness> {
  const dataDir = await mkdtemp(join(tmpdir(), 'pipewatch-console-'));
  const scenario = runScenario();
  await writeFile(join(dataDir, 'findings.ndjson'), ndjson(scenario.findings));
  await writeFile(join(dataDir, 'baselines.ndjson'), scenario.baselines.map((baseline) => `${baselineToText(baseline)}\n`).join(''));
  const tokens = options.tokens ?? [];
  const deps: ConsoleDeps = {
    findings: createNdjsonFindingsReader({ path: join(dataDir, 'findings.ndjson') }),
    baselines: createFileBaselineReader({ path: join(dataDir, 'baselines.ndjson') }),
    suppressions: createFileSuppressionStore({ path: join(dataDir, 'suppressions.json') }),
    auth: createBearerAuth(tokens),
    minRuns: 10,
    logger: silentLogger(),
  };
  const bus = createInMemoryBus();
  const app: FastifyInstance =
    options.shape === 'collector'
      ? buildCollectorApp({
          bus,
          topics: topicNames('console-test.'),
          logger: silentLogger(),
          tokens,
          maxBodyBytes: 1024 * 1024,
          dedupe: createEventDedupe(100),
          extensions: [(collector) => registerConsole(collector, deps)],
        })
      : buildConsoleApp(deps);
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    dataDir,
    scenario,
    get: (path, headers = {}) => fetch(`${url}${path}`, { headers, redirect: 'manual' }),
    post: (path, body, contentType, headers = {}) => fetch(`${url}${path}`, { method: 'POST', body, headers: { 'content-type': contentType, ...headers }, redirect: 'manual' }),
    async close() {
      await app.close();
      await bus.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
