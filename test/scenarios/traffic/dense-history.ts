import type { RunEvent } from '@pipewatch/shared';
import { createRng, hashSeed } from '../random/prng.js';
import type { Fleet, JobSpec, RepoSpec } from './fleet.js';
import { buildJobRun, newMemory, type WorkflowRun } from './run-factory.js';

/**
 * Exactly `count` runs of one job, spread evenly over the fleet's span, built
 * like the simulated ones (same figures, world changes and drift). For benches
 * that need a fixed number of runs per pipeline without simulating whole days.
 */
export function denseHistory(fleet: Fleet, repo: RepoSpec, job: JobSpec, count: number): RunEvent[] {
  const rng = createRng(hashSeed(repo.seed, job.pipelineId, 'dense'));
  const memory = newMemory();
  const span = fleet.end - Math.max(fleet.start, job.startsAt);
  const out: RunEvent[] = [];
  for (let i = 0; i < count; i++) {
    const at = Math.max(fleet.start, job.startsAt) + ((i + rng.float(0.1, 0.9)) * span) / count;
    const pullRequest = job.onPullRequest > 0 && rng.chance(0.35);
    const fromFork = pullRequest && rng.chance(repo.forkShare);
    const trigger = job.kind === 'release' ? 'release' : job.kind === 'nightly' ? 'schedule' : pullRequest ? 'pull_request' : 'push';
    const workflow: WorkflowRun = {
      runId: String(8_000_000_000 + repo.index * 10_000 + i),
      number: i + 1,
      attempt: 1,
      commit: rng.hex(40),
      trigger,
      actor: fromFork ? `fork-user-${rng.int(1, 40)}` : rng.pick(job.kind === 'release' ? repo.releaseManagers : [...repo.maintainers, ...repo.contributors]),
      branch: pullRequest ? `feature/${rng.int(1, 500)}` : 'main',
      fromFork,
      triggeredAt: at,
      ...(job.kind === 'release' ? { release: i + 1 } : {}),
    };
    for (const item of buildJobRun(fleet, repo, job, workflow, memory, { logs: false })) if (item.kind === 'run') out.push(item.event);
  }
  return out;
}
