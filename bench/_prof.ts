import { DEFAULT_SETTINGS, detectRun, encodeBaseline, decodeBaseline, type PipelineBaseline } from '@pipewatch/detector';
import { denseHistory } from '/work/wt/state/test/scenarios/traffic/dense-history.js';
import { createFleet, createRepo } from '/work/wt/state/test/scenarios/traffic/fleet.js';
const skeleton = createFleet({ seed: 3, repos: 0, weeks: 26 });
const all: PipelineBaseline[] = [];
for (let index = 0; all.length < 200; index++) {
  const repo = createRepo(3, index, skeleton.start, skeleton.end);
  for (const job of repo.jobs) { let b: PipelineBaseline | undefined; for (const e of denseHistory(skeleton, repo, job, 50)) b = detectRun(b, e, DEFAULT_SETTINGS, e.occurred_at).baseline; all.push(b!); }
}
for (let round = 0; round < 1; round++) {
  let t = performance.now(); const enc = all.map(encodeBaseline); const te = performance.now() - t;
  t = performance.now(); for (const e of enc) decodeBaseline(e); const td = performance.now() - t;
  console.log('encode µs', (te * 1000 / all.length).toFixed(1), 'decode µs', (td * 1000 / all.length).toFixed(1));
}
const enc = all.map(encodeBaseline);
let t = performance.now();
for (let r = 0; r < 20; r++) for (const b of all) encodeBaseline(b);
console.log('enc only', ((performance.now() - t) * 1000 / (20 * all.length)).toFixed(1));
t = performance.now();
for (let r = 0; r < 20; r++) for (const e of enc) decodeBaseline(e);
console.log('dec only', ((performance.now() - t) * 1000 / (20 * all.length)).toFixed(1));
t = performance.now();
for (let r = 0; r < 20; r++) for (const b of all) JSON.stringify(b);
console.log('json stringify', ((performance.now() - t) * 1000 / (20 * all.length)).toFixed(1));
t = performance.now();
for (let r = 0; r < 20; r++) for (const b of all) structuredClone(b);
console.log('structuredClone', ((performance.now() - t) * 1000 / (20 * all.length)).toFixed(1));
