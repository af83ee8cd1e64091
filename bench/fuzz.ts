// Fuzz benchmark: 100k+ generated hostile requests over every ingest route (app.inject),
// a real-HTTP subset, the parsers' properties at scale, and a timing probe of every
// secret comparison. Prints counts per route and outcome; writes bench/results/fuzz.json.
// `npm run bench:fuzz [-- --runs-per-route 17000 --http-per-route 500 --parser-runs 5000 --timing-tries 20000 --seed 1]`
import { ROUTES, type FuzzLimits, type RouteName } from '../test/hostile/fuzz/case-specs.js';
import { fuzzIngest, type FuzzReport } from '../test/hostile/fuzz/fuzz-ingest.js';
import { checkProcParsers, checkRedaction, checkReplay, checkSchemas, type ParserCounts } from '../test/hostile/fuzz/parser-properties.js';
import { measureTokenTiming } from '../test/hostile/timing/token-timing.js';
import { positive, readFlags } from './lib/args.js';
import { describeMachine, machineInfo } from './lib/machine-info.js';
import { RESULTS_DIR } from './lib/repo-paths.js';
import { formatTable } from './lib/table.js';
import { writeResult } from './lib/write-result.js';

const flags = readFlags(process.argv.slice(2), {
  'runs-per-route': { type: 'string', default: '17000' },
  'http-per-route': { type: 'string', default: '500' },
  'parser-runs': { type: 'string', default: '5000' },
  'timing-tries': { type: 'string', default: '20000' },
  seed: { type: 'string', default: '1' },
});
const runsPerRoute = Math.round(positive('runs-per-route', flags['runs-per-route']));
const httpPerRoute = Math.round(positive('http-per-route', flags['http-per-route']));
const parserRuns = Math.round(positive('parser-runs', flags['parser-runs']));
const timingTries = Math.round(positive('timing-tries', flags['timing-tries']));
const seed = Math.round(positive('seed', flags.seed));
const log = (line: string): void => void process.stderr.write(`[bench:fuzz] ${line}\n`);

// Larger hostile values than CI: bodies up to 1 MiB, strings past it, 10k-deep nesting.
const LIMITS: FuzzLimits = { maxBodyBytes: 1024 * 1024, maxLogLines: 2_000, maxHugeString: 1_200_000, maxHugeArray: 20_000, maxDepth: 10_000 };

const machine = machineInfo();
log(describeMachine(machine));
const started = Date.now();

const progress = (transport: string) => (route: RouteName, done: number) => {
  if (done % 2_000 === 0) log(`${transport} ${route}: ${done} inputs`);
};
const inject = await fuzzIngest({ routes: ROUTES, runsPerRoute, seed, limits: LIMITS, transport: 'inject', stopOnFailure: false, maxRequestMs: 10_000, progress: progress('inject') });
const http = await fuzzIngest({ routes: ROUTES, runsPerRoute: httpPerRoute, seed: seed + 1_000, limits: LIMITS, transport: 'http', stopOnFailure: false, maxRequestMs: 10_000, progress: progress('http') });

log(`parsers: ${parserRuns} runs per property`);
const parsers: Record<string, ParserCounts | { failure: string }> = {};
for (const [name, check] of Object.entries({
  schemas: () => checkSchemas({ runs: parserRuns, seed }),
  redaction: () => checkRedaction({ runs: parserRuns, seed }, 2_000),
  proc_parsers: () => checkProcParsers({ runs: parserRuns, seed }),
  replay: () => checkReplay({ runs: Math.max(100, Math.round(parserRuns / 5)), seed }),
})) {
  try {
    parsers[name] = await check();
  } catch (error) {
    parsers[name] = { failure: String((error as Error).message).slice(0, 2_000) };
  }
}

log(`timing: ${timingTries} tries per guess`);
const timing = await measureTokenTiming(timingTries);

function outcomeTable(report: FuzzReport): string {
  const rows = ROUTES.flatMap((route) => {
    const entry = report.routes[route]!;
    return Object.entries(entry.outcomes)
      .sort((a, b) => b[1] - a[1])
      .map(([outcome, count], index) => [index === 0 ? route : '', outcome, count, index === 0 ? entry.inputs : null, index === 0 ? entry.slowest.ms : null] as const);
  });
  return formatTable(['route', 'status:outcome', 'count', 'inputs', 'slowest ms'], rows);
}
const summary = (report: FuzzReport) =>
  `${report.inputs.toLocaleString('en-US')} inputs, crashes ${report.crashes}, 5xx ${report.fiveXx}, prototype pollution ${report.pollution}, bus published ${report.bus.published} / consumed ${report.bus.consumed}, property failures ${report.failures.length}`;

console.log(`\nFuzzing over app.inject (seed ${seed}): ${summary(inject)}\n`);
console.log(outcomeTable(inject));
console.log(`\nFuzzing over real HTTP on 127.0.0.1 (seed ${seed + 1_000}): ${summary(http)}\n`);
console.log(outcomeTable(http));
for (const failure of [...inject.failures, ...http.failures]) console.log(`\nFAILED ${failure.slice(0, 3_000)}`);
console.log('\nParsers (property runs):');
for (const [name, counts] of Object.entries(parsers)) console.log(`  ${name}: ${JSON.stringify(counts)}`);
console.log(`\nSecret comparison timing (not asserted; ${timingTries} tries per guess, interleaved), ns per check:\n`);
console.log(
  formatTable(
    ['check', 'correct-prefix mean', 'wrong-first mean', 'correct-prefix median', 'wrong-first median', 'mean ratio'],
    timing.map((row) => [row.check, row.correctPrefix.meanNs, row.wrongFirst.meanNs, row.correctPrefix.medianNs, row.wrongFirst.medianNs, row.correctPrefix.meanNs / row.wrongFirst.meanNs]),
  ),
);

const totalInputs = inject.inputs + http.inputs;
const parserFailures = Object.values(parsers).filter((value) => 'failure' in value).length;
const path = writeResult(RESULTS_DIR, 'fuzz', {
  machine,
  seconds: Math.round((Date.now() - started) / 1000),
  limits: LIMITS,
  total_inputs: totalInputs,
  inject,
  http,
  parsers,
  timing,
});
console.log(`\n${totalInputs.toLocaleString('en-US')} ingest inputs in ${Math.round((Date.now() - started) / 1000)} s; results in ${path}`);
const clean = [inject, http].every((report) => report.crashes === 0 && report.fiveXx === 0 && report.pollution === 0 && report.failures.length === 0) && parserFailures === 0;
process.exitCode = clean ? 0 : 1;
