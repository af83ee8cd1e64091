import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { DEFAULT_SETTINGS } from '@pipewatch/detector';
import { replayEvents } from '../../../services/cli/src/replay/replay-events.js';
import { createFleet, createRepo, type RepoSpec } from '../../../test/scenarios/traffic/fleet.js';
import { simulateFleet } from '../../../test/scenarios/traffic/simulate-fleet.js';

// `node --import tsx bench/lib/experiments/replay-rate.ts [events] [pipelines] [rounds]`: replay-profile.ts
// without the profiler, for A/B comparisons on a busy machine: the events (seed 7) are cached in
// /tmp/prof-detect, and each round replays them afresh and prints events per CPU-second.
const N = Number(process.argv[2] ?? 100000), P = Number(process.argv[3] ?? 2000), rounds = Number(process.argv[4] ?? 2);
const cache = `/tmp/prof-detect/events-${N}-${P}.ndjson`;
let lines: string[];
if (existsSync(cache)) lines = readFileSync(cache, 'utf8').split('\n').filter((line) => line !== '');
else {
  const skeleton = createFleet({ seed: 7, repos: 0, weeks: 8 });
  const repos: RepoSpec[] = []; let p = 0;
  while (p < P * 1.1) { const r = createRepo(7, repos.length, skeleton.start, skeleton.end); repos.push(r); p += r.jobs.length; }
  lines = [];
  for (const item of simulateFleet({ ...skeleton, repos }, { logs: false })) { if (item.kind !== 'run') continue; lines.push(JSON.stringify(item.event)); if (lines.length >= N) break; }
  writeFileSync(cache, lines.join('\n'));
}
async function* it() { for (const l of lines) yield l; }
for (let round = 0; round < rounds; round++) {
  const cpu = process.cpuUsage(); let w = 0;
  await replayEvents(it(), { settings: DEFAULT_SETTINGS, scores: false, write: () => void w++, warn: () => undefined });
  const u = process.cpuUsage(cpu);
  console.log('per CPU-s', Math.round(lines.length / ((u.user + u.system) / 1e6)), 'findings', w);
}
