import { createHash } from 'node:crypto';
import { RunEvent } from '@pipewatch/shared';
import { DEFAULT_SETTINGS, createDetectionEngine } from '@pipewatch/detector';
import { createInMemoryBaselineStore } from '../../../services/detector/src/baseline-store/in-memory-baseline-store.js';
import { EncodedBaselines } from '../../../services/detector/src/baseline-store/encoded-baselines.js';
import { replayEvents } from '../../../services/cli/src/replay/replay-events.js';
import { asStream, fleetRunLines } from '../fleet-run-lines.js';

// `node --import tsx bench/lib/experiments/findings-digest.ts [events] [pipelines]`: the events of
// replay-profile.ts (seed 7), replayed; prints the SHA-256 of every finding line in order and of
// every pipeline's final encoded baseline, so a speed-up can show that it changed nothing.
const N = Number(process.argv[2] ?? 100000), P = Number(process.argv[3] ?? 2000);
const lines = fleetRunLines(N, P, 7);

const findings = createHash('sha256');
let count = 0;
const summary = await replayEvents(asStream(lines), { settings: DEFAULT_SETTINGS, scores: false, write: (line) => { findings.update(line).update('\n'); count++; }, warn: () => undefined });

// The baselines again, through the engine over a store whose held bytes we can read (the replay's
// own store is private); its findings must match the replay's.
const held = new EncodedBaselines();
const store = createInMemoryBaselineStore(held);
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
