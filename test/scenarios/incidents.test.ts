import assert from 'node:assert/strict';
import { severityRank } from '@pipewatch/shared';
import { evaluateIncident, type IncidentResult } from './harness/evaluate-incident.js';
import { findLogJudge } from './harness/scenario-detector.js';
import { INCIDENTS } from './incidents/index.js';

/** The benign history each test replays: the bench's first seed, kept small so the suite stays fast. */
const SEED = 1;

/**
 * Expectations the current detector is known to miss, each reported to the
 * detector's owner with the exact case. A listed gap is skipped with its reason;
 * once the detector catches it the test fails, asking for the entry's removal.
 */
const KNOWN_DETECTOR_GAPS: Record<string, string> = {};

describe('real incidents, replayed against the detector', function () {
  this.timeout(60_000);
  const logRules = findLogJudge() !== undefined;

  for (const incident of INCIDENTS) {
    describe(`${incident.id} (${incident.when})`, () => {
      let result: IncidentResult;
      before(async () => {
        result = await evaluateIncident(incident, SEED, { actionRefs: 'pinned', weeks: Math.min(incident.weeks, 4) });
      });

      it('raises at least one high or critical finding on the attack', function () {
        const strongest = result.fired.reduce((max, hit) => Math.max(max, severityRank(hit.severity)), 0);
        const gap = KNOWN_DETECTOR_GAPS[`${incident.id} high`];
        if (gap && strongest < severityRank('high')) this.skip();
        assert.ok(!gap, `known gap now caught: remove "${incident.id} high" from KNOWN_DETECTOR_GAPS`);
        assert.ok(strongest >= severityRank('high'), `strongest finding: ${JSON.stringify(result.fired.slice(0, 3))}`);
      });

      for (const expected of incident.expected) {
        const label = expected.anyOf.join(' | ');
        it(`${label} fires on the attack's ${expected.via === 'log' ? 'log' : 'run event'}${expected.required === false ? ' (optional signal)' : ''}`, function () {
          if (expected.via === 'log' && !logRules) this.skip();
          const outcome = result.expected.find((candidate) => candidate.anyOf.join(' | ') === label)!;
          const gap = expected.anyOf.map((rule) => KNOWN_DETECTOR_GAPS[`${incident.id} ${rule}`]).find(Boolean);
          if (gap && outcome.matched.length === 0) this.skip();
          assert.ok(!gap, `known gap now caught: remove "${incident.id} ${label}" from KNOWN_DETECTOR_GAPS`);
          if (expected.required === false && outcome.matched.length === 0) this.skip();
          assert.ok(outcome.matched.length > 0, `fired instead: ${result.fired.map((hit) => `${hit.rule}(${hit.severity}, ${hit.via})`).join(', ') || 'nothing'}`);
        });
      }
    });
  }

  it('the tampered Codecov uploader alarms on every run that used it: an attack is never learned as normal', async () => {
    const codecov = INCIDENTS.find((incident) => incident.id === 'codecov-bash-uploader-2021')!;
    const result = await evaluateIncident(codecov, SEED, { actionRefs: 'pinned', weeks: 3 });
    const attackRuns = result.perItem.filter((item) => item.kind === 'run');
    assert.equal(attackRuns.length, 3);
    for (const run of attackRuns) assert.ok(run.rules.includes('integrity.dependency.digest_mismatch'), `${run.event_id}: ${run.rules.join(', ')}`);
  });
});
