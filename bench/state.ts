/**
 * bench:state — how much the detector remembers per pipeline: builds the
 * baselines of 100k pipelines from 50 runs each, every run going through the
 * in-memory store as in production (decode, detect, encode), then measures what
 * the store holds: V8 heap plus buffer memory after gc (so bytes moved out of the
 * heap still count; run under `node --expose-gc`), and the stored size (the
 * codec's bytes, and the base64 text the file store and Kafka changelog write).
 * Also times encode and decode per baseline. Writes bench/results/state.json.
 * Options: --pipelines, --runs, --seed.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import {
  DEFAULT_SETTINGS,
  SEEN_SET_NAMES,
  clearKeyHashMemo,
  createInMemoryBaselineStore,
  decodeBaseline,
  detectRun,
  emptyBaseline,
  encodeBaseline,
  type PipelineBaseline,
} from '@pipewatch/detector';
import { clearDigestMemo } from '../test/scenarios/random/prng.js';
import { denseHistory } from '../test/scenarios/traffic/dense-history.js';
import { createFleet, createRepo } from '../test/scenarios/traffic/fleet.js';
import { machineInfo } from './lib/machine-info.js';
import { textTable } from './lib/text-table.js';

const TARGET_BYTES = 4096;
const BREAKDOWN_SAMPLE = 2000;
const { values } = parseArgs({ options: { pipelines: { type: 'string', default: '100000' }, runs: { type: 'string', default: '50' }, seed: { type: 'string', default: '3' } } });
const wanted = Number(values.pipelines);
const runsEach = Number(values.runs);
const seed = Number(values.seed);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('bench:state measures the heap: run it with `node --expose-gc --import tsx bench/state.ts` (npm run bench:state does)');

const started = performance.now();
const skeleton = createFleet({ seed, repos: 0, weeks: 26 });
const store = createInMemoryBaselineStore();
const ids: string[] = [];
const before = memoryAfterGc();
await buildBaselines();
clearDigestMemo();
// The detector's memo of recent key hashes is a fixed ~5 MB, not per pipeline: left out.
clearKeyHashMemo();
const after = memoryAfterGc();
const perPipeline = (key: keyof typeof before) => (after[key] - before[key]) / ids.length;
const heapPerPipeline = perPipeline('heapUsed');
const buffersPerPipeline = perPipeline('external');
const heldPerPipeline = heapPerPipeline + perPipeline('external');

// Stored size and codec speed, over every pipeline.
const sizes: number[] = [];
let encodeMs = 0;
let decodeMs = 0;
const sample: PipelineBaseline[] = [];
for (const id of ids) {
  const baseline = (await store.get(id))!;
  let t = performance.now();
  const bytes = encodeBaseline(baseline);
  encodeMs += performance.now() - t;
  t = performance.now();
  decodeBaseline(bytes);
  decodeMs += performance.now() - t;
  sizes.push(bytes.length);
  if (sample.length < BREAKDOWN_SAMPLE) sample.push(baseline);
}
sizes.sort((a, b) => a - b);
const mean = sizes.reduce((sum, size) => sum + size, 0) / sizes.length;
const quantile = (q: number) => sizes[Math.min(sizes.length - 1, Math.floor(q * sizes.length))]!;
const base64 = (bytes: number) => 4 * Math.ceil(bytes / 3);
const parts = partSizes(sample);

console.log(`\n${ids.length} pipelines × ${runsEach} runs in ${Math.round((performance.now() - started) / 1000)} s (load average ${loadavg().map((load) => load.toFixed(2)).join(' ')})`);
console.log(textTable(['measure', 'bytes per pipeline', `target ≤ ${TARGET_BYTES}`], [
  ['held by the store (heap + buffers, after gc)', Math.round(heldPerPipeline), heldPerPipeline <= TARGET_BYTES ? 'met' : 'NOT met'],
  ['  of which V8 heap', Math.round(heapPerPipeline), ''],
  ['  of which buffers (external)', Math.round(buffersPerPipeline), ''],
  ['stored, encoded, mean', Math.round(mean), mean <= TARGET_BYTES ? 'met' : 'NOT met'],
  ['Kafka changelog value (the encoded bytes), mean', Math.round(mean), mean <= TARGET_BYTES ? 'met' : 'NOT met'],
  ['file store line (base64), mean', base64(mean), base64(mean) <= TARGET_BYTES ? 'met' : 'NOT met'],
  ['encoded, p50', quantile(0.5), ''],
  ['encoded, p95', quantile(0.95), ''],
  ['encoded, p99', quantile(0.99), ''],
  ['encoded, max', sizes[sizes.length - 1]!, ''],
]));
const encodeUs = (encodeMs * 1000) / ids.length;
const decodeUs = (decodeMs * 1000) / ids.length;
console.log(`\ncodec per baseline: encode ${encodeUs.toFixed(1)} µs, decode ${decodeUs.toFixed(1)} µs`);
console.log(`\nwhere the encoded bytes go (mean per pipeline over ${sample.length}):`);
console.log(textTable(['part', 'bytes', 'share'], Object.entries(parts).sort((a, b) => b[1] - a[1]).map(([part, size]) => [part, Math.round(size), `${Math.round((size / mean) * 100)}%`])));

await mkdir(new URL('./results/', import.meta.url), { recursive: true });
await writeFile(
  new URL('./results/state.json', import.meta.url),
  `${JSON.stringify(
    {
      generated_at: new Date().toISOString(),
      machine: { ...machineInfo(), load_average_1m: loadavg()[0] },
      pipelines: ids.length,
      runs_per_pipeline: runsEach,
      held_bytes_per_pipeline: Math.round(heldPerPipeline),
      heap_bytes_per_pipeline: Math.round(heapPerPipeline),
      buffer_bytes_per_pipeline: Math.round(buffersPerPipeline),
      encoded_bytes: { mean: Math.round(mean), p50: quantile(0.5), p95: quantile(0.95), p99: quantile(0.99), max: sizes[sizes.length - 1] },
      base64_bytes_mean: base64(mean),
      codec_us: { encode: Number(encodeUs.toFixed(2)), decode: Number(decodeUs.toFixed(2)) },
      encoded_parts_mean: parts,
      target_bytes: TARGET_BYTES,
      met: { held: heldPerPipeline <= TARGET_BYTES, encoded_mean: mean <= TARGET_BYTES, base64_mean: base64(mean) <= TARGET_BYTES },
    },
    null,
    2,
  )}\n`,
);
console.log('wrote bench/results/state.json');

async function buildBaselines(): Promise<void> {
  for (let index = 0; ids.length < wanted; index++) {
    const repo = createRepo(seed, index, skeleton.start, skeleton.end);
    for (const job of repo.jobs) {
      if (ids.length >= wanted) break;
      for (const event of denseHistory(skeleton, repo, job, runsEach)) {
        const detection = detectRun(await store.get(job.pipelineId), event, DEFAULT_SETTINGS, event.occurred_at);
        if (detection.status !== 'duplicate') await store.put(detection.baseline);
      }
      ids.push(job.pipelineId);
    }
    if (index % 2000 === 0) console.log(`${ids.length} pipelines, heap ${(process.memoryUsage().heapUsed / 1024 ** 3).toFixed(2)} GiB`);
  }
}

function memoryAfterGc(): { heapUsed: number; external: number; arrayBuffers: number } {
  gc!();
  gc!();
  const { heapUsed, external, arrayBuffers } = process.memoryUsage();
  return { heapUsed, external, arrayBuffers };
}

/** Encoded bytes per part: the size with the part emptied, subtracted from the whole. */
function partSizes(all: readonly PipelineBaseline[]): Record<string, number> {
  const totals: Record<string, number> = {};
  const add = (part: string, bytes: number) => (totals[part] = (totals[part] ?? 0) + bytes);
  for (const baseline of all) {
    const whole = encodeBaseline(baseline).length;
    const without = (change: (copy: PipelineBaseline) => void): number => {
      const copy = structuredClone(baseline);
      change(copy);
      return whole - encodeBaseline(copy).length;
    };
    const empty = emptyBaseline(baseline.pipeline_id);
    for (const key of ['numeric', 'peaks', 'process_hashes', 'permissions', 'dependencies', 'artifacts', 'actions', 'recent_events', 'alerted'] as const) {
      add(key, without((copy) => void ((copy as unknown as Record<string, unknown>)[key] = empty[key])));
    }
    add('last_good', without((copy) => void (copy.last_good = null)));
    for (const name of SEEN_SET_NAMES) add(`seen.${name}`, without((copy) => void (copy.seen[name] = {})));
  }
  let named = 0;
  for (const value of Object.values(totals)) named += value;
  const overall = all.reduce((sum, baseline) => sum + encodeBaseline(baseline).length, 0);
  add('identity and counters', overall - named);
  return Object.fromEntries(Object.entries(totals).map(([key, total]) => [key, total / all.length]));
}
