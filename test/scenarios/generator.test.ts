import assert from 'node:assert/strict';
import { LogBatch, RunEvent } from '@pipewatch/shared';
import { createScenarioDetector } from './harness/scenario-detector.js';
import { createRng, mulberry32 } from './random/prng.js';
import type { RunItem, ScenarioItem } from './scenario-item.js';
import { createFleet, type FleetOptions } from './traffic/fleet.js';
import { simulateFleet } from './traffic/simulate-fleet.js';

const SMALL: FleetOptions = { seed: 11, repos: 6, weeks: 3 };

function generate(options: FleetOptions, logs = true): ScenarioItem[] {
  return [...simulateFleet(createFleet(options), { logs })];
}

function runs(items: readonly ScenarioItem[]): RunItem[] {
  return items.filter((item): item is RunItem => item.kind === 'run');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

describe('scenario traffic generator', () => {
  const items = generate(SMALL);

  it('mulberry32 gives the same sequence for the same seed and another for another seed', () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    const c = mulberry32(8);
    const first = Array.from({ length: 5 }, () => a());
    assert.deepEqual(Array.from({ length: 5 }, () => b()), first);
    assert.notDeepEqual(Array.from({ length: 5 }, () => c()), first);
    assert.ok(first.every((value) => value >= 0 && value < 1));
  });

  it('the same seed gives byte-identical traffic, another seed different traffic', () => {
    assert.equal(JSON.stringify(generate(SMALL)), JSON.stringify(items));
    assert.notEqual(JSON.stringify(generate({ ...SMALL, seed: 12 })), JSON.stringify(items));
  });

  it('every run event and log batch it writes satisfies the contract schemas', () => {
    assert.ok(items.length > 1000, `expected a real sample, got ${items.length} items`);
    for (const item of items) {
      const parsed = item.kind === 'run' ? RunEvent.safeParse(item.event) : LogBatch.safeParse(item.batch);
      assert.ok(parsed.success, `${item.kind} ${item.kind === 'run' ? item.event.event_id : item.batch.event_id}: ${JSON.stringify(parsed.error?.issues.slice(0, 3))}`);
    }
  });

  it('emits items in arrival order, each log batch just before its run event', () => {
    for (let i = 1; i < items.length; i++) assert.ok(items[i]!.at >= items[i - 1]!.at, `item ${i} arrives before item ${i - 1}`);
    const logRuns = items.filter((item) => item.kind === 'log').map((item) => (item.kind === 'log' ? `${item.batch.pipeline.id} ${item.batch.run.id}` : ''));
    const runKeys = new Set(runs(items).map((item) => `${item.event.pipeline.id} ${item.event.run.id}`));
    assert.ok(logRuns.every((key) => runKeys.has(key)));
  });

  it('follows a weekly rhythm: a weekend day carries far fewer runs than a weekday', () => {
    const perDay = new Map<number, number>();
    for (const item of runs(items)) perDay.set(new Date(item.at).getUTCDay(), (perDay.get(new Date(item.at).getUTCDay()) ?? 0) + 1);
    const weekday = [1, 2, 3, 4, 5].reduce((sum, day) => sum + (perDay.get(day) ?? 0), 0) / 5;
    const weekend = ((perDay.get(0) ?? 0) + (perDay.get(6) ?? 0)) / 2;
    assert.ok(weekend < 0.4 * weekday, `weekend ${weekend}/day vs weekday ${weekday}/day`);
  });

  it('cache misses make a job 1.5-2.5x slower and receive more than its ordinary runs', () => {
    const big = runs(generate({ seed: 5, repos: 8, weeks: 6 }, false)).filter((item) => item.event.run.status === 'success' && !item.causes.includes('step_change'));
    const plain = big.filter((item) => item.causes.length === 0 || item.causes.every((cause) => cause === 'learning'));
    const missed = big.filter((item) => item.causes.includes('cache_miss'));
    const ratios: number[] = [];
    const rx: number[] = [];
    for (const pipeline of new Set(missed.map((item) => item.event.pipeline.id))) {
      const normal = plain.filter((item) => item.event.pipeline.id === pipeline);
      const slow = missed.filter((item) => item.event.pipeline.id === pipeline);
      if (normal.length < 5) continue;
      ratios.push(median(slow.map((item) => item.event.resources!.duration_s!)) / median(normal.map((item) => item.event.resources!.duration_s!)));
      rx.push(median(slow.map((item) => item.event.resources!.net_rx_bytes!)) / median(normal.map((item) => item.event.resources!.net_rx_bytes!)));
    }
    assert.ok(ratios.length >= 5);
    assert.ok(median(ratios) >= 1.4 && median(ratios) <= 2.6, `duration ratio ${median(ratios)}`);
    assert.ok(median(rx) > 1.3, `net_rx ratio ${median(rx)}`);
  });

  it('a toolchain upgrade changes the executable hash for every pipeline of the repository at once', () => {
    const fleet = createFleet({ seed: 3, repos: 1, weeks: 12, shape: { ecosystem: 'node' } });
    const repo = fleet.repos[0]!;
    const upgrade = repo.toolchainUpgrades[0]!;
    const node = repo.ecosystem.toolchain[0]!;
    const hashOf = (item: RunItem) => item.event.access!.processes!.find((process) => process.exe === node)!.sha256;
    const all = runs([...simulateFleet(fleet, { logs: false })]);
    const before = new Set(all.filter((item) => item.at < upgrade - 3_600_000 && item.at > upgrade - 7 * 86_400_000).map(hashOf));
    const after = new Set(all.filter((item) => Date.parse(item.event.run.started_at!) > upgrade + 3_600_000 && item.at < upgrade + 7 * 86_400_000).map(hashOf));
    assert.equal(before.size, 1);
    assert.equal(after.size, 1);
    assert.notDeepEqual([...before], [...after]);
    assert.ok(all.filter((item) => item.at > upgrade + 3_600_000).some((item) => item.causes.includes('toolchain_upgrade')));
  });

  it('a dependency version bump arrives with its own new digest and raises no checksum alarm', async () => {
    const bumped = generate({ seed: 21, repos: 4, weeks: 6, shape: { ecosystem: 'node', actionRefs: 'pinned' } }, false);
    const detector = createScenarioDetector();
    let bumps = 0;
    for (const item of bumped) {
      const { findings } = await detector.judge(item);
      if (item.causes.includes('dependency_bump')) bumps++;
      assert.ok(!findings.some((finding) => finding.rule.id === 'integrity.dependency.digest_mismatch'), `digest mismatch on ${item.kind === 'run' ? item.event.event_id : ''}`);
    }
    assert.ok(bumps > 5, `only ${bumps} bumped runs`);
  });

  it('benign traffic with pinned actions and no unversioned installers raises no critical finding', async () => {
    const benign = generate({ seed: 31, repos: 5, weeks: 4, shape: { ecosystem: 'node', actionRefs: 'pinned', jobs: ['build', 'test', 'lint', 'nightly'] } });
    const detector = createScenarioDetector();
    for (const item of benign) {
      const { findings } = await detector.judge(item);
      const critical = findings.filter((finding) => finding.severity === 'critical');
      assert.deepEqual(critical.map((finding) => finding.rule.id), [], `critical on ${item.kind} ${item.kind === 'run' ? item.event.event_id : item.batch.event_id}`);
    }
  });

  it('createRng draws log-normal durations around the median it is given', () => {
    const rng = createRng(99);
    const draws = Array.from({ length: 4001 }, () => rng.lognormal(300, 0.2));
    const middle = median(draws);
    assert.ok(middle > 285 && middle < 315, `median ${middle}`);
    assert.ok(draws.every((value) => value > 0));
  });
});
