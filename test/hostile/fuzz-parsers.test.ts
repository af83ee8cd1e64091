import assert from 'node:assert/strict';
import { checkProcParsers, checkRedaction, checkReplay, checkSchemas } from './fuzz/parser-properties.js';

const SEED = 20_240_515;

describe('fuzzing the parsers (fixed seed)', function () {
  this.timeout(120_000);

  it('contract schemas: never throw, issue paths on refusals, no prototype key accepted at any level', async () => {
    const counts = await checkSchemas({ runs: 500, seed: SEED });
    assert.ok((counts.accepted ?? 0) > 0 && (counts.refused ?? 0) > 0, JSON.stringify(counts));
  });

  it('redactText / redactLines: every planted secret format masked in any surroundings, stable, linear on adversarial 64 KiB lines', async () => {
    const counts = await checkRedaction({ runs: 400, seed: SEED }, 2_000);
    assert.ok(Object.keys(counts).filter((key) => key.startsWith('masked:')).length >= 15, JSON.stringify(counts));
  });

  it('forwarder /proc parsers: never throw on junk, read back what well-formed input says', async () => {
    const counts = await checkProcParsers({ runs: 500, seed: SEED });
    assert.equal(counts.stat_roundtrip, 500);
  });

  it('replay input: hostile streams never throw, only contract findings come out, names like __proto__ are learned like any other', async () => {
    const counts = await checkReplay({ runs: 200, seed: SEED });
    assert.ok((counts.hostile_names_learned ?? 0) >= 10, JSON.stringify(counts));
  });
});
