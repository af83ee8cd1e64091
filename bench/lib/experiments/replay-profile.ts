import { DEFAULT_SETTINGS } from '@pipewatch/detector';
import { replayEvents } from '../../../services/cli/src/replay/replay-events.js';
import { createFleet, createRepo, type RepoSpec } from '../../../test/scenarios/traffic/fleet.js';
import { simulateFleet } from '../../../test/scenarios/traffic/simulate-fleet.js';
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
const N = Number(process.argv[2] ?? 100000), P = Number(process.argv[3] ?? 2000);
const skeleton = createFleet({ seed: 7, repos: 0, weeks: 8 });
const repos: RepoSpec[] = []; let p = 0;
while (p < P * 1.1) { const r = createRepo(7, repos.length, skeleton.start, skeleton.end); repos.push(r); p += r.jobs.length; }
const lines: string[] = [];
for (const item of simulateFleet({ ...skeleton, repos }, { logs: false })) { if (item.kind !== 'run') continue; lines.push(JSON.stringify(item.event)); if (lines.length >= N) break; }
console.log('events', lines.length);
async function* it() { for (const l of lines) yield l; }
const s = new Session(); s.connect(); await s.post('Profiler.enable'); await s.post('Profiler.start');
const cpu = process.cpuUsage(); let w = 0;
await replayEvents(it(), { settings: DEFAULT_SETTINGS, scores: false, write: () => void w++, warn: () => undefined });
const u = process.cpuUsage(cpu);
const { profile } = await s.post('Profiler.stop');
writeFileSync('/tmp/prof-detect/replay.cpuprofile', JSON.stringify(profile));
console.log('per CPU-s', Math.round(lines.length / ((u.user + u.system) / 1e6)), 'findings', w);
