import fc from 'fast-check';
import { caseArb, type CaseSpec, type FuzzLimits, type RouteName } from './case-specs.js';
import { startFuzzTarget, type FuzzTarget } from './fuzz-target.js';
import { judge, type PublishedIds } from './judge.js';
import { createIdSource, materialize } from './materialize.js';
import { assertNotPolluted, snapshotPrototypes } from './pollution.js';

export interface RouteReport {
  inputs: number;
  outcomes: Record<string, number>;
  /** Slowest single request, to spot super-linear parsing. */
  slowest: { ms: number; bytes: number; intents: string };
  failure?: string;
}

export interface FuzzReport {
  transport: 'inject' | 'http';
  seed: number;
  routes: Partial<Record<RouteName, RouteReport>>;
  inputs: number;
  /** Unhandled rejections and uncaught exceptions seen while fuzzing. */
  crashes: number;
  fiveXx: number;
  pollution: number;
  bus: { published: number; consumed: number };
  failures: string[];
}

export interface FuzzOptions {
  routes: readonly RouteName[];
  runsPerRoute: number;
  seed: number;
  limits: FuzzLimits;
  transport: 'inject' | 'http';
  /** Stop at the first failing property (CI) or record it and go on (bench). */
  stopOnFailure: boolean;
  /** Longest a single request may take before it counts as a failure (a ReDoS guard). */
  maxRequestMs: number;
  progress?: (route: RouteName, done: number) => void;
}

/**
 * Sends `runsPerRoute` generated requests to each route of one real collector and
 * checks every answer with `judge` and the built-in prototypes after each; then
 * checks that an independent consumer read back exactly what was published.
 */
export async function fuzzIngest(options: FuzzOptions): Promise<FuzzReport> {
  const target = await startFuzzTarget(options.limits, options.transport);
  const crashes: unknown[] = [];
  const onRejection = (reason: unknown): void => void crashes.push(reason);
  const onException = (error: unknown): void => void crashes.push(error);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtExceptionMonitor', onException);
  const report: FuzzReport = {
    transport: options.transport,
    seed: options.seed,
    routes: {},
    inputs: 0,
    crashes: 0,
    fiveXx: 0,
    pollution: 0,
    bus: { published: 0, consumed: 0 },
    failures: [],
  };
  const prototypes = snapshotPrototypes();
  const seen: PublishedIds = { runs: new Set(), logs: new Set() };
  const ids = createIdSource(`fz${options.seed}-${options.transport}-`);
  try {
    for (const [index, route] of options.routes.entries()) {
      const routeReport: RouteReport = { inputs: 0, outcomes: {}, slowest: { ms: 0, bytes: 0, intents: '' } };
      report.routes[route] = routeReport;
      const property = fc.asyncProperty(caseArb(route, options.limits), async (spec: CaseSpec) => {
        const request = materialize(spec, ids);
        const response = await target.send(request);
        routeReport.inputs++;
        report.inputs++;
        if (response.status >= 500) report.fiveXx++;
        if (response.elapsedMs > routeReport.slowest.ms) {
          routeReport.slowest = { ms: Math.round(response.elapsedMs), bytes: request.body.length, intents: spec.records.map((record) => record.intent).join(',') };
        }
        try {
          assertNotPolluted(prototypes, () => `a ${route} request`);
        } catch (error) {
          report.pollution++;
          throw error;
        }
        const outcome = judge(spec, request, response, target.takePublished(), options.limits, seen);
        routeReport.outcomes[outcome] = (routeReport.outcomes[outcome] ?? 0) + 1;
        if (response.elapsedMs > options.maxRequestMs) throw new Error(`one ${route} request took ${Math.round(response.elapsedMs)} ms (${request.body.length} bytes)`);
        options.progress?.(route, routeReport.inputs);
      });
      const parameters = { numRuns: options.runsPerRoute, seed: options.seed + index, endOnFailure: !options.stopOnFailure };
      if (options.stopOnFailure) {
        await fc.assert(property, parameters);
      } else {
        const details = await fc.check(property, parameters);
        if (details.failed) {
          routeReport.failure = fc.defaultReportMessage(details) ?? 'failed';
          report.failures.push(`${route}: ${routeReport.failure}`);
        }
      }
      target.takePublished();
    }
    await drain(target);
    report.bus = target.totals();
  } finally {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtExceptionMonitor', onException);
    report.crashes = crashes.length;
    await target.close();
  }
  return report;
}

/** Waits until the reading consumer group caught up with everything published. */
async function drain(target: FuzzTarget): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (target.totals().consumed < target.totals().published && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
