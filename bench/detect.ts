/**
 * bench:detect — how fast the detector judges, relative to merely parsing the
 * same JSON. Generates ≥ 1M run events over ≥ 10k pipelines into memory as JSON
 * lines, then times (1) JSON.parse alone, (2) JSON.parse + RunEvent.safeParse
 * (validation), (3) that + detectRun, (4) the `pipewatch replay` function itself,
 * each on one core.
 * Writes bench/results/detect.json. Options: --events, --pipelines, --seed.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { DEFAULT_SETTINGS, detectRun, type PipelineBaseline } from '@pipewatch/detector';
import { RunEvent } from '@pipewatch/shared';
import { replayEvents } from '../services/cli/src/replay/replay-events.js';
import { asStream, fleetRunLines } from './lib/fleet-run-lines.js';
import { loadavg } from 'node:os';
import { describeMachine, machineInfo } from './lib/machine-info.js';
import { textTable } from './lib/text-table.js';

const TARGET_RATIO = 0.3;
const { values } = parseArgs({ options: { events: { type: 'string', default: '1000000' }, pipelines: { type: 'string', default: '10000' }, seed: { type: 'string', default: '7' } } });
const wantedEvents = Number(values.events);
const wantedPipelines = Number(values.pipelines);
const seed = Number(values.seed);

const lines = generateLines();
const bytes = lines.reduce((sum, line) => sum + line.length, 0);
console.log(`generated ${lines.length} run events (${(bytes / 1024 ** 3).toFixed(2)} GiB of JSON, ${Math.round(bytes / lines.length)} bytes each); rss ${rssGiB()} GiB`);

const parseFirst = time('JSON.parse only', () => {
  let check = 0;
  for (const line of lines) check += (JSON.parse(line) as { run: { id: string } }).run.id.length;
  return check;
});
const validate = time('JSON.parse + RunEvent.safeParse', () => {
  let valid = 0;
  for (const line of lines) if (RunEvent.safeParse(JSON.parse(line)).success) valid++;
  if (valid !== lines.length) throw new Error('the generator wrote an invalid event');
  return valid;
});
const core = time('JSON.parse + RunEvent.safeParse + detectRun', () => {
  const baselines = new Map<string, PipelineBaseline>();
  let findings = 0;
  for (const line of lines) {
    const parsed = RunEvent.safeParse(JSON.parse(line));
    if (!parsed.success) throw new Error('the generator wrote an invalid event');
    const event = parsed.data;
    const detection = detectRun(baselines.get(event.pipeline.id), event, DEFAULT_SETTINGS, event.occurred_at);
    baselines.set(event.pipeline.id, detection.baseline);
    findings += detection.findings.length;
  }
  return findings;
});
const replay = await timeAsync('pipewatch replay (replayEvents, in-memory store, findings serialised)', async () => {
  let written = 0;
  const summary = await replayEvents(asStream(lines), { settings: DEFAULT_SETTINGS, scores: false, write: () => void written++, warn: () => undefined });
  if (summary.invalid > 0) throw new Error(`${summary.invalid} invalid lines`);
  return written;
});
const parseAgain = time('JSON.parse only (again, warm)', () => {
  let check = 0;
  for (const line of lines) check += (JSON.parse(line) as { run: { id: string } }).run.id.length;
  return check;
});

// Rates per CPU-second are the per-core rates, and stay honest when other processes share the machine.
const parse = parseFirst.eventsPerCpuSecond >= parseAgain.eventsPerCpuSecond ? parseFirst : parseAgain;
const rows = [parseFirst, validate, core, replay, parseAgain].map((result) => [result.name, Math.round(result.eventsPerSecond), Math.round(result.eventsPerCpuSecond), result.seconds, Math.round((result.eventsPerCpuSecond / parse.eventsPerCpuSecond) * 1000) / 1000]);
console.log(`\n${textTable(['path', 'events/s (wall)', 'events per CPU-s', 'seconds', 'ratio to parse (CPU)'], rows)}`);
const replayRatio = replay.eventsPerCpuSecond / parse.eventsPerCpuSecond;
const coreRatio = core.eventsPerCpuSecond / parse.eventsPerCpuSecond;
console.log(`\ntarget: replay path ≥ ${TARGET_RATIO} × JSON.parse rate → ${replayRatio.toFixed(3)} ${replayRatio >= TARGET_RATIO ? 'met' : 'NOT met'} (detector core ${coreRatio.toFixed(3)})`);
console.log(`findings raised: ${core.result}; rss ${rssGiB()} GiB; machine ${describeMachine(machineInfo())}, load average ${loadavg()[0]!.toFixed(1)}`);

await mkdir(new URL('./results/', import.meta.url), { recursive: true });
await writeFile(
  new URL('./results/detect.json', import.meta.url),
  `${JSON.stringify({ generated_at: new Date().toISOString(), machine: { ...machineInfo(), load_average_1m: loadavg()[0] }, events: lines.length, pipelines: countPipelines(), bytes, results: [parseFirst, validate, core, replay, parseAgain].map(({ result: _, ...rest }) => rest), ratio: { replay: replayRatio, core: coreRatio }, target_ratio: TARGET_RATIO, met: replayRatio >= TARGET_RATIO }, null, 2)}\n`,
);
console.log('wrote bench/results/detect.json');

function generateLines(): string[] {
  const out = fleetRunLines(wantedEvents, wantedPipelines, seed);
  const seen = new Set(out.map((line) => (JSON.parse(line) as { pipeline: { id: string } }).pipeline.id));
  if (seen.size < wantedPipelines) throw new Error(`only ${seen.size} pipelines ran; raise the margin`);
  return out;
}

function countPipelines(): number {
  const ids = new Set<string>();
  for (const line of lines) ids.add((JSON.parse(line) as { pipeline: { id: string } }).pipeline.id);
  return ids.size;
}

interface Timed<T> {
  name: string;
  seconds: number;
  eventsPerSecond: number;
  /** Events per second of CPU time the process used (user + system): the per-core rate. */
  eventsPerCpuSecond: number;
  result: T;
}

function time<T>(name: string, task: () => T): Timed<T> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = task();
  return finish(name, started, cpu, result);
}

async function timeAsync<T>(name: string, task: () => Promise<T>): Promise<Timed<T>> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await task();
  return finish(name, started, cpu, result);
}

function finish<T>(name: string, started: number, cpu: NodeJS.CpuUsage, result: T): Timed<T> {
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  console.log(`${name}: ${seconds.toFixed(1)} s wall, ${cpuSeconds.toFixed(1)} s CPU`);
  return { name, seconds: Math.round(seconds * 10) / 10, eventsPerSecond: lines.length / seconds, eventsPerCpuSecond: lines.length / cpuSeconds, result };
}


function rssGiB(): string {
  return (process.memoryUsage().rss / 1024 ** 3).toFixed(2);
}
