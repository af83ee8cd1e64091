import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { RunEvent } from '@pipewatch/shared';
import { DEFAULT_SETTINGS, createDetectionEngine } from '@pipewatch/detector';
import { createInMemoryBaselineStore } from '../../../services/detector/src/baseline-store/in-memory-baseline-store.js';
import { EncodedBaselines } from '../../../services/detector/src/baseline-store/encoded-baselines.js';
import { decodeBaseline, encodeBaseline } from '../../../services/detector/src/domain/baseline-codec.js';

// `node --import tsx bench/lib/experiments/codec-rate.ts [rounds]`: decodes and encodes the final
// baselines of the replay-rate.ts events (run that first; they are kept in /tmp/prof-detect) and
// prints microseconds per baseline for each, checking that encode(decode(bytes)) gives back the bytes.
const corpus = '/tmp/prof-detect/baselines.json';
if (!existsSync(corpus)) {
  const held = new EncodedBaselines();
  const store = createInMemoryBaselineStore(held);
  const engine = createDetectionEngine(store, DEFAULT_SETTINGS);
  for (const line of readFileSync('/tmp/prof-detect/events-100000-2000.ndjson', 'utf8').split('\n')) {
    const event = RunEvent.parse(JSON.parse(line));
    await (await engine.judgeRun(event, event.occurred_at)).save();
  }
  writeFileSync(corpus, JSON.stringify([...held.entries()].map(([, bytes]) => Buffer.from(bytes).toString('base64'))));
}
const all = (JSON.parse(readFileSync(corpus, 'utf8')) as string[]).map((text) => new Uint8Array(Buffer.from(text, 'base64')));
const decoded = all.map((bytes) => decodeBaseline(bytes));
for (let i = 0; i < all.length; i++) if (!Buffer.from(encodeBaseline(decoded[i]!)).equals(all[i]!)) throw new Error(`baseline ${i} encodes differently`);
const rounds = Number(process.argv[2] ?? 20);
function time(what: string, run: () => void): void {
  const best: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const cpu = process.cpuUsage();
    run();
    const used = process.cpuUsage(cpu);
    best.push((used.user + used.system) / all.length);
  }
  best.sort((a, b) => a - b);
  console.log(`${what}: ${best[0]!.toFixed(1)} µs min, ${best[Math.floor(rounds / 2)]!.toFixed(1)} µs median per baseline`);
}
time('decode', () => { for (const bytes of all) decodeBaseline(bytes); });
time('encode', () => { for (const baseline of decoded) encodeBaseline(baseline); });
console.log(`${all.length} baselines, ${Math.round(all.reduce((sum, bytes) => sum + bytes.length, 0) / all.length)} B mean`);
