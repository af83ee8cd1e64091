import assert from 'node:assert/strict';
import { ROUTES, type FuzzLimits } from './fuzz/case-specs.js';
import { fuzzIngest, type FuzzReport } from './fuzz/fuzz-ingest.js';

/** Small enough for CI; the bench (`npm run bench:fuzz`) runs 100k+ inputs with larger values. */
const LIMITS: FuzzLimits = { maxBodyBytes: 128 * 1024, maxLogLines: 300, maxHugeString: 160_000, maxHugeArray: 2_000, maxDepth: 10_000 };
const SEED = 20_240_514;

function assertClean(report: FuzzReport, perRoute: number): void {
  assert.deepEqual(report.failures, []);
  assert.equal(report.fiveXx, 0, '5xx answers');
  assert.equal(report.crashes, 0, 'unhandled rejections or uncaught exceptions');
  assert.equal(report.pollution, 0, 'prototype pollution');
  assert.equal(report.bus.consumed, report.bus.published, 'a consumer read back exactly what was published');
  for (const route of ROUTES) {
    const outcomes = report.routes[route]!.outcomes;
    assert.equal(report.routes[route]!.inputs, perRoute, `${route}: inputs`);
    // The generator must reach the route's logic, not only its gates.
    assert.ok(Object.keys(outcomes).some((outcome) => outcome.startsWith('202') || outcome.startsWith('200')), `${route} accepted nothing: ${JSON.stringify(outcomes)}`);
    assert.ok(Object.keys(outcomes).filter((outcome) => outcome.startsWith('4')).length >= 3, `${route} refused too uniformly: ${JSON.stringify(outcomes)}`);
  }
}

describe('fuzzing every ingest route with generated hostile requests (fixed seed)', function () {
  this.timeout(180_000);

  it('app.inject, 400 requests per route: no 5xx or crash, every refusal a 4xx naming the problem, exactly the valid records published, prototypes untouched', async () => {
    const report = await fuzzIngest({ routes: ROUTES, runsPerRoute: 400, seed: SEED, limits: LIMITS, transport: 'inject', stopOnFailure: true, maxRequestMs: 15_000 });
    assertClean(report, 400);
    assert.ok(report.bus.published > 200, `only ${report.bus.published} messages published`);
  });

  it('real HTTP on 127.0.0.1, 40 requests per route: the same properties through the socket', async () => {
    const report = await fuzzIngest({ routes: ROUTES, runsPerRoute: 40, seed: SEED + 100, limits: LIMITS, transport: 'http', stopOnFailure: true, maxRequestMs: 15_000 });
    assertClean(report, 40);
  });
});
