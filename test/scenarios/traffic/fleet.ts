import { clamp, createRng, hashSeed, type Rng } from '../random/prng.js';
import { ECOSYSTEMS, MOVING_ACTIONS, personName, type Ecosystem, type EcosystemId } from './catalog.js';
import { addJobs } from './job-specs.js';

export type JobKind = 'build' | 'test' | 'lint' | 'e2e' | 'docs' | 'release' | 'nightly';

export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;
/** A Monday: the weekly rhythm starts on a working day. */
export const DEFAULT_START = Date.UTC(2025, 0, 6);

/** One job of one workflow of one repository: the detector's baseline unit. */
export interface JobSpec {
  kind: JobKind;
  pipelineId: string;
  workflow: string;
  /** Epoch ms the job was added to the workflow; the fleet's start for jobs that always existed. */
  startsAt: number;
  onPush: boolean;
  /** Probability that a pull request update runs this job (0 = never). */
  onPullRequest: number;
  duration: { median: number; sigma: number };
  cpuPerSecond: number;
  memoryMb: number;
  rxBytes: number;
  txBytes: number;
  diskBytes: number;
  processCount: number;
  cacheMissRate: number;
  failureRate: number;
  /** Failing runs stop at the first failed test, so fewer tests ran. */
  failFast: boolean;
  hosts: string[];
  occasionalHosts: [string, number][];
  secrets: string[];
  processes: string[];
  packages: string[];
  actions: string[];
  installer?: { name: string; url: string; line: string; host: string };
  /** Versioned tools fetched at run time (an uploader script), each with its own release times. */
  downloads: { name: string; url: string; releases: number[]; logLine?: string }[];
  artifact?: { name: string; mode: 'versioned' | 'snapshot' | 'release' | 'nightly'; signed: boolean; versionPrefix?: string };
  /** What pull request updates arrive as: `pull_request_target` runs with the base repository's secrets. */
  prTrigger?: string;
  /** Paths written outside the workspace (package caches); random segments vary per run. */
  filesWritten: string[];
  permissions: Record<string, string>;
  tests?: { base: number; perWeek: number };
  codecov: boolean;
  docker: boolean;
  /** A deliberate, permanent slowdown (a bigger test suite, a new build step). */
  stepChange?: { at: number; factor: number };
  addedSecret?: { at: number; name: string };
  addedPermission?: { at: number; scope: string; level: string };
}

export interface RepoSpec {
  index: number;
  seed: number;
  slug: string;
  ecosystem: Ecosystem;
  maintainers: string[];
  releaseManagers: string[];
  contributors: string[];
  pushesPerWeekday: number;
  prUpdatesPerWeekday: number;
  /** Share of pull request updates that come from forks. */
  forkShare: number;
  /** Hours ahead of UTC of where most of the team works. */
  utcOffset: number;
  reproducible: boolean;
  runner: { selfHosted: boolean; ephemeral: boolean; os: 'Linux' | 'Windows'; name: string };
  /** The per-repository cache/artifact blob storage account the runner talks to. */
  blobHost: string;
  releaseTrigger: 'release' | 'push';
  releasesPerWeek: number;
  actionRefs: ActionRefs;
  /** Actions referenced by tag even in a pinned repository (the victim of a moved tag). */
  taggedActions: string[];
  jobs: JobSpec[];
  toolchainUpgrades: number[];
  mirrorAdds: { at: number; host: string }[];
  packageBumps: Record<string, number[]>;
  newReleaseManager?: { at: number; name: string };
  dispatchReleaseAt?: number;
  newContributorsPerWeek: number;
}

export interface Fleet {
  seed: number;
  start: number;
  end: number;
  repos: RepoSpec[];
  /** Times each moving action ref was moved by its owner (a release). */
  actionReleases: Record<string, number[]>;
  installerUpdates: Record<string, number[]>;
  /** Hosted-runner shortages: every queue in the window is longer. */
  queueSpikes: { from: number; to: number; factor: number }[];
}

/**
 * `tags`: `uses: owner/action@v4`, a ref its owner moves on every release.
 * `pinned`: `uses: owner/action@<sha>`, bumped by a bot (a new ref, never a moved one).
 */
export type ActionRefs = 'tags' | 'pinned';

/** Share of repositories pinning actions by SHA: a small minority in published surveys. */
const PINNED_SHARE = 0.2;

/** How a scenario wants its repositories: an incident needs a given ecosystem, a release job, an action... */
export interface RepoShape {
  ecosystem?: EcosystemId;
  /** How workflows reference actions; default: drawn per repository, mostly by tag as in the wild. */
  actionRefs?: ActionRefs;
  /** Exactly these jobs instead of a random set. */
  jobs?: JobKind[];
  customize?: (repo: RepoSpec, rng: Rng, span: { start: number; end: number }) => void;
}

export interface FleetOptions {
  seed: number;
  repos: number;
  weeks: number;
  start?: number;
  shape?: RepoShape;
}

export function usesTag(repo: RepoSpec, action: string): boolean {
  return repo.actionRefs === 'tags' || repo.taggedActions.includes(action);
}

const ECOSYSTEM_WEIGHTS: [EcosystemId, number][] = [['node', 0.3], ['python', 0.25], ['java', 0.17], ['go', 0.14], ['rust', 0.08], ['dotnet', 0.06]];

export function createFleet(options: FleetOptions): Fleet {
  const start = options.start ?? DEFAULT_START;
  const end = start + options.weeks * WEEK_MS;
  const rng = createRng(hashSeed(options.seed, 'fleet'));
  const actionReleases: Record<string, number[]> = {};
  for (const [action, { weeks }] of Object.entries(MOVING_ACTIONS)) actionReleases[action] = schedule(rng, start, end, weeks * WEEK_MS);
  const installerUpdates: Record<string, number[]> = {
    'rustup-init.sh': schedule(rng, start, end, 6 * WEEK_MS),
    'get-helm-3': schedule(rng, start, end, 8 * WEEK_MS),
  };
  const queueSpikes: Fleet['queueSpikes'] = [];
  for (let day = start; day < end; day += DAY_MS) {
    if (!rng.chance(0.03)) continue;
    const from = day + rng.int(8, 20) * 3_600_000;
    queueSpikes.push({ from, to: from + rng.float(1, 5) * 3_600_000, factor: rng.float(8, 60) });
  }
  const repos = Array.from({ length: options.repos }, (_, index) => createRepo(options.seed, index, start, end, options.shape));
  return { seed: options.seed, start, end, repos, actionReleases, installerUpdates, queueSpikes };
}

/** One repository, derived only from (seed, index): a bench can rebuild any repo without the rest of the fleet. */
export function createRepo(seed: number, index: number, start: number, end: number, shape: RepoShape = {}): RepoSpec {
  const repoSeed = hashSeed(seed, 'repo', index);
  const rng = createRng(repoSeed);
  const drawn = weighted(rng, ECOSYSTEM_WEIGHTS);
  const ecosystem = ECOSYSTEMS[shape.ecosystem ?? drawn];
  const org = `${rng.pick(['acme', 'globex', 'initech', 'umbrella', 'hooli', 'stark', 'wayne', 'tyrell'])}-${index % 9}`;
  const name = `${rng.pick(['api', 'web', 'sdk', 'cli', 'core', 'worker', 'payments', 'search', 'auth', 'infra'])}-${index}`;
  const maintainers = Array.from({ length: rng.int(2, 5) }, (_, i) => personName(rng, index * 100 + i));
  const windows = ecosystem.id === 'dotnet' && rng.chance(0.5);
  const selfHosted = windows || rng.chance(0.12);
  const repo: RepoSpec = {
    index,
    seed: repoSeed,
    slug: `${org}/${name}`,
    ecosystem,
    maintainers,
    releaseManagers: maintainers.slice(0, rng.int(1, 2)),
    contributors: Array.from({ length: rng.int(2, 10) }, (_, i) => personName(rng, index * 100 + 50 + i)),
    pushesPerWeekday: clamp(rng.lognormal(1.6, 0.6), 0.3, 12),
    prUpdatesPerWeekday: clamp(rng.lognormal(2.5, 0.7), 0.3, 20),
    // Self-hosted runners serve private repositories here: no fork pull requests reach them.
    forkShare: !selfHosted && rng.chance(0.6) ? rng.float(0.05, 0.4) : 0,
    utcOffset: rng.pick([-8, -5, -3, 0, 1, 2, 3, 5.5, 8, 9]),
    reproducible: rng.chance(0.3),
    runner: selfHosted
      ? { selfHosted: true, ephemeral: !windows, os: windows ? 'Windows' : 'Linux', name: `${org}-runner-${rng.int(1, 9)}` }
      : { selfHosted: false, ephemeral: true, os: 'Linux', name: `GitHub Actions ${rng.int(1, 200)}` },
    blobHost: `productionresultssa${rng.int(0, 19)}.blob.core.windows.net`,
    releaseTrigger: rng.chance(0.6) ? 'release' : 'push',
    releasesPerWeek: rng.float(0.5, 2),
    actionRefs: rng.chance(PINNED_SHARE) ? 'pinned' : 'tags',
    taggedActions: [],
    jobs: [],
    toolchainUpgrades: schedule(rng, start, end, 10 * WEEK_MS),
    mirrorAdds: rng.chance(0.25) ? [{ at: rng.float(start + 0.2 * (end - start), end), host: rng.pick(ecosystem.mirrors) }] : [],
    packageBumps: {},
    newContributorsPerWeek: rng.float(0.1, 1),
  };
  if (rng.chance(0.15)) repo.newReleaseManager = { at: rng.float(start + 0.3 * (end - start), end), name: personName(rng, index * 100 + 90) };
  if (rng.chance(0.1)) repo.dispatchReleaseAt = rng.float(start + 0.3 * (end - start), end);
  if (shape.actionRefs) repo.actionRefs = shape.actionRefs;
  addJobs(repo, rng, start, end, shape.jobs);
  for (const job of repo.jobs) for (const pkg of job.packages) repo.packageBumps[pkg] ??= schedule(rng, start, end, rng.float(4, 12) * WEEK_MS);
  shape.customize?.(repo, rng, { start, end });
  return repo;
}

/** Event times with roughly `every` ms between them, first one at a random phase. */
export function schedule(rng: Rng, start: number, end: number, every: number): number[] {
  const out: number[] = [];
  let at = start + rng.float(0, every);
  while (at < end) {
    out.push(at);
    at += every * clamp(rng.lognormal(1, 0.4), 0.3, 3);
  }
  return out;
}

function weighted<T>(rng: Rng, options: [T, number][]): T {
  let roll = rng.next() * options.reduce((sum, [, weight]) => sum + weight, 0);
  for (const [value, weight] of options) {
    roll -= weight;
    if (roll <= 0) return value;
  }
  return options[options.length - 1]![0];
}

