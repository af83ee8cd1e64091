import { createHash } from 'node:crypto';
import { RunEvent } from '@pipewatch/shared';
import { DEFAULT_SETTINGS, createDetectionEngine, type BaselineStore } from '@pipewatch/detector';
import { EncodedBaselines } from '../../../services/detector/src/baseline-store/encoded-baselines.js';
import { replayEvents } from '../../../services/cli/src/replay/replay-events.js';
import { createFleet, createRepo, type RepoSpec } from '../../../test/scenarios/traffic/fleet.js';
import { simulateFleet } from '../../../test/scenarios/traffic/simulate-fleet.js';

// `node --import tsx bench/lib/experiments/findings-digest.ts [events] [pipelines]`: the events of
// replay-profile.ts (seed 7), replayed; prints the SHA-256 of every finding line in order and of
// every pipeline's final encoded baseline, so a speed-up can show that it changed nothing.
const N = Number(process.argv[2] ?? 100000), P = Number(process.argv[3] ?? 2000);
const skeleton = createFleet({ seed: 7, repos: 0, weeks: 8 });
const repos: RepoSpec[] = []; let p = 0;
while (p < P * 1.1) { const r = createRepo(7, repos.length, skeleton.start, skeleton.end); repos.push(r); p += r.jobs.length; }
const lines: string[] = [];
for (const item of simulateFleet({ ...skeleton, repos }, { logs: false })) { if (item.kind !== 'run') continue; lines.push(JSON.stringify(item.event)); if (lines.length >= N) break; }
async function* it() { for (const l of lines) yield l; }

const findings = createHash('sha256');
let count = 0;
const summary = await replayEvents(it(), { settings: DEFAULT_SETTINGS, scores: false, write: (line) => { findings.update(line).update('\n'); count++; }, warn: () => undefined });

// The baselines again, through the engine over a store whose held bytes we can read (the replay's
// own store is private); its findings must match the replay's.
const held = new EncodedBaselines();
const store: BaselineStore = {
  get: async (id) => held.get(id),
  put: async (b) => void held.put(b),
  putMany: async (many) => { for (const b of many) held.put(b); },
  size: () => held.size,
  close: async () => undefined,
};
const engine = createDetectionEngine(store, DEFAULT_SETTINGS);
const again = createHash('sha256');
for (const line of lines) {
  const event = RunEvent.parse(JSON.parse(line));
  const judged = await engine.judgeRun(event, event.occurred_at);
  await judged.save();
  for (const finding of judged.detection.findings) again.update(JSON.stringify(finding)).update('\n');
}
const baselines = createHash('sha256');
for (const [id, bytes] of held.entries()) baselines.update(id).update('\0').update(bytes);

console.log('events', summary.events, 'invalid', summary.invalid, 'findings', count, 'baselines', held.size);
const digest = findings.digest('hex');
console.log('findings sha256', digest, digest === again.digest('hex') ? '(engine pass agrees)' : '(ENGINE PASS DIFFERS)');
console.log('baselines sha256', baselines.digest('hex'));
