import { clamp, createRng, hashSeed, type Rng } from '../random/prng.js';
import type { ScenarioItem } from '../scenario-item.js';
import { personName } from './catalog.js';
import { DAY_MS, type Fleet, type JobSpec, type RepoSpec } from './fleet.js';
import { buildJobRun, newMemory, type PipelineMemory, type WorkflowRun } from './run-factory.js';
import { releaseManagersAt } from './world.js';

export interface SimulationOptions {
  /** Also emit a log batch before each run event. */
  logs: boolean;
}

interface RepoState {
  seq: number;
  number: number;
  release: number;
  externals: string[];
}

interface Trigger {
  at: number;
  kind: 'push' | 'pull_request' | 'schedule' | 'release' | 'workflow_dispatch';
  /** The trigger the CI reports: a release can arrive as a tag push. */
  event: string;
  actor: string;
  branch: string;
  fromFork: boolean;
}

/**
 * The fleet's traffic in arrival order, one day at a time: pushes and pull
 * request updates in each team's working hours (few at weekends), nightly
 * schedules, releases, and re-runs after failures. A generator, so a bench can
 * stream hundreds of thousands of runs without holding them.
 */
export function* simulateFleet(fleet: Fleet, options: SimulationOptions): Generator<ScenarioItem> {
  const memories = new Map<string, PipelineMemory>();
  const states = new Map<number, RepoState>();
  let pending: ScenarioItem[] = [];
  for (let day = fleet.start; day < fleet.end; day += DAY_MS) {
    for (const repo of fleet.repos) {
      const state = states.get(repo.index) ?? { seq: 0, number: 0, release: 0, externals: [] };
      states.set(repo.index, state);
      pending.push(...repoDay(fleet, repo, state, day, memories, options));
    }
    pending.sort((a, b) => a.at - b.at);
    // Runs finishing after midnight stay behind to interleave with tomorrow's.
    const cut = day + DAY_MS;
    let emitted = 0;
    while (emitted < pending.length && pending[emitted]!.at < cut) yield pending[emitted++]!;
    pending = pending.slice(emitted);
  }
  yield* pending;
}

function repoDay(fleet: Fleet, repo: RepoSpec, state: RepoState, day: number, memories: Map<string, PipelineMemory>, options: SimulationOptions): ScenarioItem[] {
  const rng = createRng(hashSeed(repo.seed, 'day', day));
  const items: ScenarioItem[] = [];
  for (const trigger of triggersOf(rng, repo, state, day)) {
    const jobs = jobsFor(rng, repo, trigger);
    if (jobs.length === 0) continue;
    state.seq += 1;
    state.number += 1;
    const isRelease = trigger.kind === 'release' || trigger.kind === 'workflow_dispatch';
    if (isRelease) state.release += 1;
    const workflow: WorkflowRun = {
      runId: String(9_000_000_000 + repo.index * 1_000_000 + state.seq),
      number: state.number,
      attempt: 1,
      commit: rng.hex(40),
      trigger: trigger.event,
      actor: trigger.actor,
      branch: trigger.branch,
      fromFork: trigger.fromFork,
      triggeredAt: trigger.at,
      ...(isRelease ? { release: state.release } : {}),
    };
    const first = jobs.flatMap((job) => buildJobRun(fleet, repo, job, workflow, memoryOf(memories, job), options));
    items.push(...first);
    const failed = first.filter((item) => item.kind === 'run' && item.event.run.status === 'failure');
    if (failed.length === 0 || !rng.chance(0.35)) continue;
    // "Re-run all jobs" rebuilds what had succeeded too; "re-run failed jobs" only the failures.
    const all = rng.chance(0.5);
    const lastFinish = Math.max(...first.map((item) => item.at));
    const rerun: WorkflowRun = { ...workflow, attempt: 2, triggeredAt: lastFinish + rng.float(10, 90) * 60_000 };
    const again = all ? jobs : jobs.filter((job) => failed.some((item) => item.kind === 'run' && item.event.pipeline.id === job.pipelineId));
    items.push(...again.flatMap((job) => buildJobRun(fleet, repo, job, rerun, memoryOf(memories, job), options)));
  }
  return items;
}

function triggersOf(rng: Rng, repo: RepoSpec, state: RepoState, day: number): Trigger[] {
  const weekday = new Date(day).getUTCDay();
  const weekend = weekday === 0 || weekday === 6;
  const dayFactor = weekday === 0 ? 0.1 : weekday === 6 ? 0.15 : 1;
  const workTime = () => day + ((((clamp(14 + 2.5 * rng.normal(), 7, 23.9) - repo.utcOffset) % 24) + 24) % 24) * 3_600_000;
  const triggers: Trigger[] = [];
  for (const bumps of Object.values(repo.packageBumps)) {
    for (const at of bumps) if (at >= day && at < day + DAY_MS) triggers.push({ at, kind: 'push', event: 'push', actor: 'renovate[bot]', branch: 'main', fromFork: false });
  }
  const pushes = rng.poisson(repo.pushesPerWeekday * dayFactor);
  for (let i = 0; i < pushes; i++) triggers.push({ at: workTime(), kind: 'push', event: 'push', actor: rng.pick(repo.maintainers), branch: 'main', fromFork: false });
  const updates = rng.poisson(repo.prUpdatesPerWeekday * dayFactor);
  for (let i = 0; i < updates; i++) {
    const fromFork = rng.chance(repo.forkShare);
    const actor = fromFork ? externalContributor(rng, repo, state) : rng.pick([...repo.maintainers, ...repo.contributors]);
    triggers.push({ at: workTime(), kind: 'pull_request', event: 'pull_request', actor, branch: fromFork ? `${actor}:patch-${rng.int(1, 9)}` : `feature/${rng.pick(['retry', 'cache', 'ui', 'auth', 'perf'])}-${rng.int(1, 999)}`, fromFork });
  }
  triggers.push({ at: day + 3 * 3_600_000, kind: 'schedule', event: 'schedule', actor: repo.maintainers[0]!, branch: 'main', fromFork: false });
  if (!weekend) {
    const releases = rng.poisson(repo.releasesPerWeek / 5);
    for (let i = 0; i < releases; i++) {
      const at = workTime();
      const managers = releaseManagersAt(repo, at);
      // Someone newly trusted with releases tends to do the next few.
      const actor = repo.newReleaseManager && at >= repo.newReleaseManager.at && rng.chance(0.5) ? repo.newReleaseManager.name : rng.pick(managers);
      triggers.push({ at, kind: 'release', event: repo.releaseTrigger, actor, branch: 'main', fromFork: false });
    }
  }
  if (repo.dispatchReleaseAt !== undefined && repo.dispatchReleaseAt >= day && repo.dispatchReleaseAt < day + DAY_MS) {
    triggers.push({ at: repo.dispatchReleaseAt, kind: 'workflow_dispatch', event: 'workflow_dispatch', actor: rng.pick(repo.maintainers), branch: 'main', fromFork: false });
  }
  return triggers.sort((a, b) => a.at - b.at);
}

function jobsFor(rng: Rng, repo: RepoSpec, trigger: Trigger): JobSpec[] {
  return repo.jobs.filter((job) => {
    if (job.startsAt > trigger.at) return false;
    switch (trigger.kind) {
      case 'push':
        return job.onPush;
      case 'pull_request':
        return job.onPullRequest > 0 && rng.chance(job.onPullRequest);
      case 'schedule':
        return job.kind === 'nightly';
      default:
        return job.kind === 'release';
    }
  });
}

function externalContributor(rng: Rng, repo: RepoSpec, state: RepoState): string {
  if (state.externals.length === 0 || rng.chance(0.25)) state.externals.push(personName(rng, repo.index * 100 + 200 + state.externals.length));
  return rng.pick(state.externals);
}

function memoryOf(memories: Map<string, PipelineMemory>, job: JobSpec): PipelineMemory {
  let memory = memories.get(job.pipelineId);
  if (!memory) memories.set(job.pipelineId, (memory = newMemory()));
  return memory;
}
