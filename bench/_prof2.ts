import { DEFAULT_SETTINGS, detectRun, encodeBaseline, decodeBaseline, type PipelineBaseline } from '@pipewatch/detector';
import { denseHistory } from '/work/wt/state/test/scenarios/traffic/dense-history.js';
import { createFleet, createRepo } from '/work/wt/state/test/scenarios/traffic/fleet.js';
const skeleton = createFleet({ seed: 3, repos: 0, weeks: 26 });
const all: PipelineBaseline[] = [];
for (let index = 0; all.length < 100; index++) {
  const repo = createRepo(3, index, skeleton.start, skeleton.end);
  for (const job of repo.jobs) { let b: PipelineBaseline | undefined; for (const e of denseHistory(skeleton, repo, job, 50)) b = detectRun(b, e, DEFAULT_SETTINGS, e.occurred_at).baseline; all.push(b!); }
}
const enc = all.map(encodeBaseline);
const mode = process.argv[2];
const t = performance.now();
for (let r = 0; r < 100; r++) for (let i = 0; i < all.length; i++) mode === 'enc' ? encodeBaseline(all[i]!) : decodeBaseline(enc[i]!);
console.log(mode, ((performance.now() - t) * 1000 / (100 * all.length)).toFixed(1));
