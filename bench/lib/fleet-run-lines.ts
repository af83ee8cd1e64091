import { createFleet, createRepo, type RepoSpec } from '../../test/scenarios/traffic/fleet.js';
import { simulateFleet } from '../../test/scenarios/traffic/simulate-fleet.js';

/**
 * The run events bench:detect and its experiments judge: `events` JSON lines from a simulated
 * 8-week fleet of repositories with at least `pipelines` jobs between them (a 10 % margin, since
 * jobs added mid-span or rarely triggered may not run before the budget is spent).
 */
export function fleetRunLines(events: number, pipelines: number, seed: number): string[] {
  const skeleton = createFleet({ seed, repos: 0, weeks: 8 });
  const repos: RepoSpec[] = [];
  let jobs = 0;
  while (jobs < pipelines * 1.1) {
    const repo = createRepo(seed, repos.length, skeleton.start, skeleton.end);
    repos.push(repo);
    jobs += repo.jobs.length;
  }
  const lines: string[] = [];
  for (const item of simulateFleet({ ...skeleton, repos }, { logs: false })) {
    if (item.kind !== 'run') continue;
    lines.push(JSON.stringify(item.event));
    if (lines.length >= events) break;
  }
  if (lines.length < events) throw new Error(`only ${lines.length} events in the simulated span; raise its weeks`);
  return lines;
}

/** The lines as the async stream `replayEvents` reads. */
export async function* asStream(lines: readonly string[]): AsyncGenerator<string> {
  for (const line of lines) yield line;
}
