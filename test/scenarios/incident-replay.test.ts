import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { severityRank, type Finding } from '@pipewatch/shared';
import { runCli } from '../../services/cli/test/run-cli.js';
import { incidentLines } from './export-incident.js';
import { INCIDENTS, incidentStream } from './incidents/index.js';
import { eventIdOf } from './scenario-item.js';

/**
 * What a user sees: each incident written to a file and judged by the real
 * `pipewatch replay` child process. The attack's findings must name the expected
 * rules and carry what a responder needs: a summary, the baseline it was judged
 * against, the OSC&R mapping and where to look.
 */
describe('scenarios: incidents through `pipewatch replay`', function () {
  this.timeout(120_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pipewatch-incident-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const incident of INCIDENTS) {
    it(`${incident.id}: the attack's findings name the expected rules and explain themselves`, async () => {
      const seed = 1;
      const file = join(dir, `${incident.id}.ndjson`);
      await writeFile(file, `${incidentLines(incident, seed).join('\n')}\n`);
      const attackIds = new Set(incidentStream(incident, seed).filter((item) => item.attack).map(eventIdOf));

      const result = await runCli(['replay', file]);
      assert.equal(result.code, 0, result.stderr);
      const findings = result.stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Finding);
      const onAttack = findings.filter((finding) => finding.event_ids.some((id) => attackIds.has(id)));

      assert.ok(onAttack.some((finding) => severityRank(finding.severity) >= severityRank('high')), `a high or critical finding on the attack; got ${onAttack.map((f) => `${f.rule.id}/${f.severity}`).join(', ')}`);
      for (const expected of incident.expected.filter((item) => item.required !== false)) {
        assert.ok(onAttack.some((finding) => expected.anyOf.includes(finding.rule.id)), `${expected.sees}: one of ${expected.anyOf.join(', ')} expected on the attack`);
      }
      for (const finding of onAttack) {
        assert.ok(finding.summary.length >= 40, `${finding.rule.id}: a summary a person can act on, got "${finding.summary}"`);
        assert.ok(finding.evidence && Object.keys(finding.evidence).length > 0, `${finding.rule.id}: evidence`);
        assert.equal(finding.threat?.framework, 'OSC&R', `${finding.rule.id}: an OSC&R mapping`);
        assert.match(finding.threat!.technique.id, /^T\d+/, `${finding.rule.id}: an OSC&R technique`);
      }
    });
  }
});
