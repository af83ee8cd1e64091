/**
 * bench:quality — does pipewatch catch the real incidents, and how often does it
 * cry wolf on benign traffic? Prints one table per question and writes
 * bench/results/quality.json. Options: --seed, --repos, --weeks, --seeds,
 * --quick (a smaller run for iterating on rules).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { findLogJudge } from '../test/scenarios/harness/scenario-detector.js';
import { CI_LOGS_DIR, TRAVIS_BUILDS_CSV } from '../test/scenarios/real/data-paths.js';
import { loadCiLogs } from '../test/scenarios/real/ci-logs.js';
import { parseTravisBuilds, travisRunItems } from '../test/scenarios/real/travis-builds.js';
import { createFleet, type ActionRefs } from '../test/scenarios/traffic/fleet.js';
import { simulateFleet } from '../test/scenarios/traffic/simulate-fleet.js';
import { measureBenign, type BenignMeasurement } from './lib/measure-benign.js';
import { measureIncidents, type IncidentSeries } from './lib/measure-incidents.js';
import { heading, textTable } from './lib/text-table.js';

const TARGETS = { syntheticPer1000: 1, realPer1000: 5 };

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '42' },
    repos: { type: 'string', default: '40' },
    weeks: { type: 'string', default: '26' },
    seeds: { type: 'string', default: '5' },
    quick: { type: 'boolean', default: false },
  },
});
const seed = Number(values.seed);
const repos = Number(values.repos);
const weeks = values.quick ? 8 : Number(values.weeks);
const seeds = Array.from({ length: values.quick ? 2 : Number(values.seeds) }, (_, i) => i + 1);
const started = Date.now();
const logsMeasurable = findLogJudge() !== undefined;

console.log(`pipewatch bench:quality  seed=${seed} repos=${repos} weeks=${weeks} incident seeds=${seeds.join(',')}  log rules: ${logsMeasurable ? 'present' : 'absent (log catches not yet measurable)'}`);

const synthetic = await measureBenign(simulateFleet(createFleet({ seed, repos, weeks }), { logs: true }));
const pinned = await measureBenign(simulateFleet(createFleet({ seed, repos, weeks, shape: { actionRefs: 'pinned' } }), { logs: true }));
const travis = parseTravisBuilds(await readFile(TRAVIS_BUILDS_CSV, 'utf8'));
const real = await measureBenign(travisRunItems(travis.builds));
const ciLogs = await loadCiLogs(CI_LOGS_DIR);
const realLogs = await measureBenign(ciLogs.items);
const incidents: Record<ActionRefs, IncidentSeries[]> = { pinned: await measureIncidents(seeds, 'pinned'), tags: await measureIncidents(seeds, 'tags') };

printIncidents(incidents);
printBenign('Synthetic benign traffic (as generated: ~80% of repositories reference actions by moving tag)', synthetic);
printBenign('Synthetic benign traffic, every repository pins actions by commit SHA', pinned);
printBenign(`Real builds (TravisTorrent, ${travis.builds.length} builds, ${travis.dropped.length} rows dropped)`, real);
console.log(`data quirks handled: ${JSON.stringify(travis.quirks)}`);
printBenign(`Real CI logs (${ciLogs.stats.files} files, ${ciLogs.stats.lines} lines; every finding is false, counted per log batch)`, realLogs, 'batches');
const targets = printTargets(incidents.pinned, synthetic, real);

await mkdir(new URL('./results/', import.meta.url), { recursive: true });
await writeFile(
  new URL('./results/quality.json', import.meta.url),
  `${JSON.stringify({ generated_at: new Date().toISOString(), config: { seed, repos, weeks, seeds, logsMeasurable }, targets, incidents, synthetic, synthetic_pinned: pinned, real_builds: { ...real, quirks: travis.quirks, dropped: travis.dropped }, real_logs: { ...realLogs, stats: ciLogs.stats }, seconds: (Date.now() - started) / 1000 }, null, 2)}\n`,
);
console.log(`\nwrote bench/results/quality.json in ${Math.round((Date.now() - started) / 1000)} s`);

function printIncidents(series: Record<ActionRefs, IncidentSeries[]>): void {
  console.log(heading(`Incidents (${seeds.length} benign histories each; victim pins its other actions by SHA)`));
  const rows = series.pinned.map((incident, index) => {
    const tags = series.tags[index]!;
    const fired = incident.sample.fired.filter((hit) => hit.severity !== 'low').map((hit) => `${hit.rule}(${hit.severity})`);
    return [incident.id, `${incident.caught}/${seeds.length}`, `${incident.met}/${seeds.length}`, `${tags.caught}/${seeds.length} ${tags.met}/${seeds.length}`, fired.join(' ')];
  });
  console.log(textTable(['incident', 'caught', 'matched', 'tags: caught matched', `rules fired ≥ medium (seed ${seeds[0]})`], rows));
  console.log('\nexpected catches (in how many histories a listed rule fired on the attack):');
  const expectations = series.pinned.flatMap((incident) =>
    incident.expected.map((expected) => [
      incident.id,
      expected.anyOf.join(' | '),
      expected.via,
      !expected.measurable ? 'not yet measurable' : `${expected.matchedIn}/${seeds.length}${expected.required ? '' : ' (optional)'}`,
      expected.sees,
    ]),
  );
  console.log(textTable(['incident', 'expected rule', 'via', 'matched', 'what it sees'], expectations));
}

function printBenign(title: string, measured: BenignMeasurement, unit: 'runs' | 'batches' = 'runs'): void {
  console.log(heading(title));
  if (unit === 'runs') {
    console.log(`runs ${measured.runs} over ${measured.pipelines} pipelines, log batches ${measured.logBatches}${measured.logBatchesUnmeasured ? ` (+${measured.logBatchesUnmeasured} unmeasured)` : ''}, invalid events ${measured.invalid}, ${measured.seconds} s`);
    console.log(`false alerts (≥ medium): ${measured.alerts} = ${measured.alertsPer1000Runs} per 1,000 runs; not repeating the previous run: ${measured.freshAlerts} = ${measured.freshAlertsPer1000Runs} per 1,000; runs with any alert ${measured.alertedRunsPer1000} per 1,000; from logs ${measured.fromLogs}; by severity ${JSON.stringify(measured.bySeverity)}`);
  } else {
    console.log(`log batches ${measured.logBatches}${measured.logBatchesUnmeasured ? ` (${measured.logBatchesUnmeasured} unmeasured: no log rules)` : ''}, invalid ${measured.invalid}, false alerts ${measured.alerts} ${JSON.stringify(measured.bySeverity)}`);
  }
  if (measured.rules.length === 0) return;
  const rows = measured.rules.slice(0, 15).map((rule) => [
    rule.rule,
    rule.count,
    rule.fresh,
    unit === 'runs' ? Math.round((rule.count / Math.max(1, measured.runs)) * 100_000) / 100 : rule.count,
    Object.entries(rule.bySeverity).map(([severity, n]) => `${severity[0]}${n}`).join(' '),
    Object.entries(rule.byCause).slice(0, 3).map(([cause, n]) => `${cause} ${n}`).join(', '),
    rule.topSubjects.slice(0, 2).map(([subject, n]) => `${subject.slice(0, 40)} ${n}`).join(', '),
  ]);
  console.log(textTable(['rule', 'alerts', 'fresh', unit === 'runs' ? 'per 1k' : 'n', 'sev', 'top benign causes', 'top subjects'], rows));
}

function printTargets(incidentSeries: IncidentSeries[], syntheticResult: BenignMeasurement, realResult: BenignMeasurement) {
  const everyIncident = incidentSeries.every((incident) => incident.met === incident.seeds.length);
  const targets = [
    { target: 'every incident caught by a matching rule (all histories)', measured: `${incidentSeries.filter((incident) => incident.met === incident.seeds.length).length}/${incidentSeries.length} incidents`, met: everyIncident },
    { target: `≤ ${TARGETS.syntheticPer1000} false alert per 1,000 benign synthetic runs`, measured: `${syntheticResult.alertsPer1000Runs} (${syntheticResult.runs} runs)`, met: syntheticResult.alertsPer1000Runs <= TARGETS.syntheticPer1000 },
    { target: `≤ ${TARGETS.realPer1000} false alerts per 1,000 real builds`, measured: `${realResult.alertsPer1000Runs} (${realResult.runs} builds)`, met: realResult.alertsPer1000Runs <= TARGETS.realPer1000 },
  ];
  console.log(heading('Targets'));
  console.log(textTable(['target', 'measured', 'met'], targets.map((row) => [row.target, row.measured, row.met ? 'yes' : 'NO'])));
  return targets;
}
