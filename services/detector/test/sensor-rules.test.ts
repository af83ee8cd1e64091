import assert from 'node:assert/strict';
import type { RunEvent } from '@pipewatch/shared';
import { DEFAULT_SETTINGS, detectRun, type PipelineBaseline } from '../src/index.js';
import { makeRun } from './make-run.js';
import { judge, trained } from './trained.js';

const base = makeRun(0).access!;
const before = 'a'.repeat(40);
const after = 'b'.repeat(40);

function rules(findings: { rule: { id: string }; severity: string }[]): string[] {
  return findings.map((finding) => `${finding.rule.id}:${finding.severity}`);
}

/** Learns `runs` runs, each with `patch` on top of the usual run. */
function learnWith(patch: (i: number) => Partial<RunEvent>, runs = 20): PipelineBaseline {
  let baseline: PipelineBaseline | undefined;
  for (let i = 0; i < runs; i++) {
    const run = makeRun(i, patch(i));
    baseline = detectRun(baseline, run, DEFAULT_SETTINGS, run.occurred_at).baseline;
  }
  return baseline!;
}

describe('sensor rules', () => {
  describe('integrity.source.tampered', () => {
    it('is critical for a tracked file changed during the run and restored, even without history', () => {
      const run = makeRun(1, { access: { ...base, source_writes: [{ path: 'src/Orion/InventoryManager.cs', before, after: before, changed: true, restored: true, writes: 2 }] } });
      const findings = detectRun(undefined, run, DEFAULT_SETTINGS, run.occurred_at).findings;
      assert.deepEqual(rules(findings), ['integrity.source.tampered:critical']);
      assert.match(findings[0]!.summary, /InventoryManager\.cs.*put back/);
      assert.deepEqual(findings[0]!.threat?.mitigations, ['D1590', 'M1590']);
    });

    it('is high for a tracked file left changed by a release job, medium for another job', () => {
      const write = { path: 'package.json', before, after, changed: true, restored: false };
      const release = judge({ pipeline: { id: 'github:octo/app:.github/workflows/release.yml:publish', job: 'publish' }, access: { ...base, source_writes: [write] } });
      assert.ok(rules(release).includes('integrity.source.tampered:high'), rules(release).join());
      assert.deepEqual(rules(judge({ access: { ...base, source_writes: [write] } })), ['integrity.source.tampered:medium']);
    });

    it('learns a file the pipeline regenerates on every run, but never a restored swap', () => {
      const generated = { path: 'src/generated/api.ts', before, after, changed: true, restored: false };
      const baseline = learnWith(() => ({ access: { ...base, source_writes: [generated] } }));
      const again = makeRun(600, { access: { ...base, source_writes: [generated] } });
      assert.deepEqual(detectRun(baseline, again, DEFAULT_SETTINGS, again.occurred_at).findings, []);
      const swapped = makeRun(601, { access: { ...base, source_writes: [{ ...generated, after: before, restored: true }] } });
      assert.deepEqual(rules(detectRun(baseline, swapped, DEFAULT_SETTINGS, swapped.occurred_at).findings), ['integrity.source.tampered:critical']);
    });

    it('ignores a tracked file written with identical content', () => {
      assert.deepEqual(judge({ access: { ...base, source_writes: [{ path: 'README.md', before, after: before, changed: false, restored: false, writes: 1 }] } }), []);
    });
  });

  describe('access.process.dropped', () => {
    const dropped = { exe: '/tmp/.x/kworker', sha256: 'cd'.repeat(32), parent: '/usr/bin/bash', argv: ['/tmp/.x/kworker', '-o', 'pool'], dropped: true };

    it('is high for an executable the job wrote and ran in a new place', () => {
      const findings = judge({ access: { ...base, processes: [...base.processes!, dropped] } });
      assert.ok(rules(findings).includes('access.process.dropped:high'), rules(findings).join());
      const finding = findings.find((item) => item.rule.id === 'access.process.dropped')!;
      assert.match(finding.summary, /wrote \/tmp\/\.x\/kworker and then ran it/);
    });

    it('stays quiet for test binaries built and run in the same kind of place on every run', () => {
      const testBinary = (i: number) => ({ exe: `/tmp/go-build${1000 + i}838/b001/app.test`, dropped: true });
      const baseline = learnWith((i) => ({ access: { ...base, processes: [...base.processes!, testBinary(i)] } }));
      const run = makeRun(700, { access: { ...base, processes: [...base.processes!, testBinary(77)] } });
      // A new path is still the usual low note of access.process.new; nothing about a dropped payload.
      assert.deepEqual(rules(detectRun(baseline, run, DEFAULT_SETTINGS, run.occurred_at).findings), ['access.process.new:low']);
    });

    it('is only a note while the pipeline learns', () => {
      const run = makeRun(1, { access: { ...base, processes: [dropped] } });
      assert.deepEqual(rules(detectRun(undefined, run, DEFAULT_SETTINGS, run.occurred_at).findings), ['access.process.dropped:low']);
    });
  });

  describe('access.runner.memory_read', () => {
    it('is critical for a read of another process\'s memory or environment, without history', () => {
      const run = makeRun(1, { access: { ...base, memory_reads: [{ path: '/proc/812/mem', target_pid: 812, target_exe: '/home/runner/actions-runner/bin/Runner.Worker', by: '/usr/bin/python3' }, { path: '/proc/812/environ', target_pid: 812 }] } });
      const findings = detectRun(undefined, run, DEFAULT_SETTINGS, run.occurred_at).findings;
      assert.deepEqual(rules(findings), ['access.runner.memory_read:critical', 'access.runner.memory_read:critical']);
      assert.match(findings[0]!.summary, /rotate/);
    });

    it('is high for a refused attempt, with a summary that says nothing was read, and critical again for a read that got through', () => {
      const denied = { path: '/proc/812/mem', target_pid: 812, target_exe: '/runner/bin/Runner.Worker', denied: true };
      const run = makeRun(2, { access: { ...base, memory_reads: [denied] } });
      const [finding] = detectRun(undefined, run, DEFAULT_SETTINGS, run.occurred_at).findings;
      assert.equal(`${finding!.rule.id}:${finding!.severity}`, 'access.runner.memory_read:high');
      assert.match(finding!.summary, /was refused; nothing was read/);
      const { denied: _denied, ...read } = denied;
      const later = makeRun(2, { access: { ...base, memory_reads: [read] } });
      const [again] = detectRun(undefined, later, DEFAULT_SETTINGS, later.occurred_at).findings;
      assert.equal(again!.severity, 'critical');
      assert.notEqual(again!.finding_id, finding!.finding_id, 'its own finding, not a duplicate of the attempt');
    });
  });

  describe('failed connects (access.egress[].connected false)', () => {
    it('still count as a new raw-IP destination, and the summary says the attempt failed', () => {
      const baseline = trained();
      const run = makeRun(801, { access: { ...base, egress: [...base.egress!, { ip: '203.0.113.44', port: 443, resolved: false, connected: false }] } });
      const findings = detectRun(baseline, run, DEFAULT_SETTINGS, run.occurred_at).findings.filter((finding) => finding.rule.id === 'access.egress.unresolved_ip');
      assert.equal(findings.length, 1);
      assert.equal(findings[0]!.severity, 'high');
      assert.match(findings[0]!.summary, /^Tried to connect \(refused or unreachable\) to 203\.0\.113\.44:443/);
    });
  });

  describe('partial observations (run.status running)', () => {
    it('are judged against the baseline but neither learned nor remembered', () => {
      const baseline = trained();
      const runs = baseline.runs;
      const partial = makeRun(800, { run: { id: 'run-800', status: 'running' }, resources: undefined, access: { egress: [{ ip: '203.0.113.9', port: 443, resolved: false }] } });
      const first = detectRun(baseline, partial, DEFAULT_SETTINGS, partial.occurred_at);
      assert.deepEqual(rules(first.findings), ['access.egress.unresolved_ip:high']);
      assert.equal(first.learned, false);
      assert.equal(first.partial, true);
      assert.equal(baseline.runs, runs);
      // The same observation again is judged again (not a duplicate), and the final event's finding has the same id.
      assert.deepEqual(detectRun(baseline, partial, DEFAULT_SETTINGS, partial.occurred_at).findings.map((f) => f.finding_id), first.findings.map((f) => f.finding_id));
      const final = makeRun(800, { event_id: 'evt-800-final', access: { ...base, egress: [...base.egress!, { ip: '203.0.113.9', port: 443, resolved: false }] } });
      const judged = detectRun(baseline, final, DEFAULT_SETTINGS, final.occurred_at);
      assert.ok(judged.findings.some((finding) => finding.finding_id === first.findings[0]!.finding_id));
      assert.equal(judged.learned, false, 'a run with a high finding is never learned');
    });
  });
});
