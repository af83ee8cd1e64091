/**
 * bench:state — how much the detector remembers per pipeline: builds the
 * baselines of 100k pipelines from 50 runs each, then measures the heap they
 * hold (with global.gc, so run under `node --expose-gc`) and their serialized
 * JSON size (what the file store and the Kafka changelog keep).
 * Writes bench/results/state.json. Options: --pipelines, --runs, --seed.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { DEFAULT_SETTINGS, detectRun, type PipelineBaseline } from '@pipewatch/detector';
import { clearDigestMemo } from '../test/scenarios/random/prng.js';
import { denseHistory } from '../test/scenarios/traffic/dense-history.js';
import { createFleet, createRepo } from '../test/scenarios/traffic/fleet.js';
import { loadavg } from 'node:os';
import { describeMachine, machineInfo } from './lib/machine.js';
import { textTable } from './lib/text-table.js';

const TARGET_BYTES = 4096;
const { values } = parseArgs({ options: { pipelines: { type: 'string', default: '100000' }, runs: { type: 'string', default: '50' }, seed: { type: 'string', default: '3' } } });
const wanted = Number(values.pipelines);
const runsEach = Number(values.runs);
const seed = Number(values.seed);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('bench:state measures the heap: run it with `node --expose-gc --import tsx bench/state.ts` (npm run bench:state does)');

const started = performance.now();
const skeleton = createFleet({ seed, repos: 0, weeks: 26 });
const baselines = new Map<string, PipelineBaseline>();
collect();
const before = heapAfterGc();
const kept = buildBaselines();
clearDigestMemo();
const after = heapAfterGc();
const heapPerPipeline = (after - before) / kept.size;

const sizes = [...kept.values()].map((baseline) => Buffer.byteLength(JSON.stringify(baseline)));
sizes.sort((a, b) => a - b);
const mean = sizes.reduce((sum, size) => sum + size, 0) / sizes.length;
const quantile = (q: number) => sizes[Math.min(sizes.length - 1, Math.floor(q * sizes.length))]!;
const parts = partSizes([...kept.values()]);

console.log(`\n${kept.size} pipelines × ${runsEach} runs in ${Math.round((performance.now() - started) / 1000)} s`);
console.log(textTable(['measure', 'bytes per pipeline', `target ≤ ${TARGET_BYTES}`], [
  ['heap (V8, after gc)', Math.round(heapPerPipeline), heapPerPipeline <= TARGET_BYTES ? 'met' : 'NOT met'],
  ['JSON, mean', Math.round(mean), mean <= TARGET_BYTES ? 'met' : 'NOT met'],
  ['JSON, p50', quantile(0.5), ''],
  ['JSON, p95', quantile(0.95), ''],
  ['JSON, p99', quantile(0.99), ''],
  ['JSON, max', sizes[sizes.length - 1]!, ''],
]));
console.log('\nwhere the JSON bytes go (mean per pipeline):');
console.log(textTable(['part', 'bytes', 'share'], Object.entries(parts).sort((a, b) => b[1] - a[1]).map(([part, size]) => [part, Math.round(size), `${Math.round((size / mean) * 100)}%`])));

await mkdir(new URL('./results/', import.meta.url), { recursive: true });
await writeFile(
  new URL('./results/state.json', import.meta.url),
  `${JSON.stringify({ generated_at: new Date().toISOString(), machine: { ...machineInfo(), load_average_1m: loadavg()[0] }, pipelines: kept.size, runs_per_pipeline: runsEach, heap_bytes_per_pipeline: Math.round(heapPerPipeline), json_bytes: { mean: Math.round(mean), p50: quantile(0.5), p95: quantile(0.95), p99: quantile(0.99), max: sizes[sizes.length - 1] }, json_parts_mean: parts, target_bytes: TARGET_BYTES, met: { heap: heapPerPipeline <= TARGET_BYTES, json_mean: mean <= TARGET_BYTES } }, null, 2)}\n`,
);
console.log('wrote bench/results/state.json');

function buildBaselines(): Map<string, PipelineBaseline> {
  for (let index = 0; baselines.size < wanted; index++) {
    const repo = createRepo(seed, index, skeleton.start, skeleton.end);
    for (const job of repo.jobs) {
      if (baselines.size >= wanted) break;
      let baseline: PipelineBaseline | undefined;
      for (const event of denseHistory(skeleton, repo, job, runsEach)) baseline = detectRun(baseline, event, DEFAULT_SETTINGS, event.occurred_at).baseline;
      baselines.set(job.pipelineId, baseline!);
    }
    if (index % 2000 === 0) console.log(`${baselines.size} pipelines, heap ${(process.memoryUsage().heapUsed / 1024 ** 3).toFixed(2)} GiB`);
  }
  return baselines;
}

function heapAfterGc(): number {
  collect();
  return process.memoryUsage().heapUsed;
}

function collect(): void {
  gc!();
  gc!();
}

function partSizes(all: PipelineBaseline[]): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const baseline of all) {
    const { seen, ...rest } = baseline;
    for (const [key, value] of Object.entries(rest)) totals[key] = (totals[key] ?? 0) + JSON.stringify(value).length + key.length + 4;
    for (const [key, value] of Object.entries(seen)) totals[`seen.${key}`] = (totals[`seen.${key}`] ?? 0) + JSON.stringify(value).length + key.length + 4;
  }
  return Object.fromEntries(Object.entries(totals).map(([key, total]) => [key, total / all.length]));
}
