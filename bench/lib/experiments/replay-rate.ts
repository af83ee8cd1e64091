import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { DEFAULT_SETTINGS } from '@pipewatch/detector';
import { replayEvents } from '../../../services/cli/src/replay/replay-events.js';
import { asStream, fleetRunLines } from '../fleet-run-lines.js';

// `node --import tsx bench/lib/experiments/replay-rate.ts [events] [pipelines] [rounds]`: replay-profile.ts
// without the profiler, for A/B comparisons on a busy machine: the events (seed 7) are cached in
// /tmp/prof-detect, and each round replays them afresh and prints events per CPU-second.
const N = Number(process.argv[2] ?? 100000), P = Number(process.argv[3] ?? 2000), rounds = Number(process.argv[4] ?? 2);
const cache = `/tmp/prof-detect/events-${N}-${P}.ndjson`;
let lines: string[];
if (existsSync(cache)) lines = readFileSync(cache, 'utf8').split('\n').filter((line) => line !== '');
else {
  lines = fleetRunLines(N, P, 7);
  writeFileSync(cache, lines.join('\n'));
}
for (let round = 0; round < rounds; round++) {
  const cpu = process.cpuUsage(); let w = 0;
  await replayEvents(asStream(lines), { settings: DEFAULT_SETTINGS, scores: false, write: () => void w++, warn: () => undefined });
  const u = process.cpuUsage(cpu);
  console.log('per CPU-s', Math.round(lines.length / ((u.user + u.system) / 1e6)), 'findings', w);
}
