import { clamp, type Rng } from '../random/prng.js';
import { CODECOV_HOSTS, COMMON_HOSTS, COMMON_PROCESSES, DOCKER_HOSTS, HELM_INSTALLER, SIGSTORE_HOSTS, type EcosystemId } from './catalog.js';
import type { JobKind, JobSpec, RepoSpec } from './fleet.js';

interface Profile {
  workflow: string;
  duration: [number, number];
  sigma: [number, number];
  cpu: [number, number];
  memory: [number, number];
  rxMb: [number, number];
  txMb: [number, number];
  processes: [number, number];
  failureRate: number;
}

/** Typical ranges per job kind, from what hosted runners report for small and mid-size projects. */
const PROFILES: Record<JobKind, Profile> = {
  lint: { workflow: 'ci.yml', duration: [40, 150], sigma: [0.06, 0.2], cpu: [0.8, 1.6], memory: [300, 900], rxMb: [40, 200], txMb: [0.1, 0.8], processes: [30, 150], failureRate: 0.04 },
  build: { workflow: 'ci.yml', duration: [120, 900], sigma: [0.06, 0.25], cpu: [1.2, 3.5], memory: [900, 6000], rxMb: [150, 900], txMb: [1, 5], processes: [200, 2000], failureRate: 0.03 },
  test: { workflow: 'ci.yml', duration: [180, 1500], sigma: [0.08, 0.3], cpu: [1, 3], memory: [800, 5000], rxMb: [100, 800], txMb: [1, 6], processes: [100, 3000], failureRate: 0.08 },
  e2e: { workflow: 'ci.yml', duration: [600, 2400], sigma: [0.12, 0.35], cpu: [0.8, 2], memory: [2000, 7000], rxMb: [400, 1500], txMb: [5, 40], processes: [300, 1500], failureRate: 0.12 },
  docs: { workflow: 'docs.yml', duration: [60, 300], sigma: [0.08, 0.2], cpu: [0.8, 1.5], memory: [300, 1500], rxMb: [50, 300], txMb: [2, 30], processes: [50, 300], failureRate: 0.02 },
  release: { workflow: 'release.yml', duration: [300, 1200], sigma: [0.08, 0.25], cpu: [1, 3], memory: [900, 5000], rxMb: [150, 900], txMb: [30, 400], processes: [200, 2000], failureRate: 0.03 },
  nightly: { workflow: 'nightly.yml', duration: [900, 3600], sigma: [0.1, 0.3], cpu: [1, 3], memory: [1000, 7000], rxMb: [200, 1200], txMb: [5, 50], processes: [500, 4000], failureRate: 0.06 },
};

/**
 * Paths jobs write outside the workspace, with their real naming: `{hex}` hex
 * ids, `{hex2}` the two-hex-digit fan-out of Go's build cache, `{rand}` Python
 * tempfile names, `{digits}` Surefire's numeric temp names, `{stamp}` npm log
 * timestamps. The random parts differ on every run.
 */
const CACHE_WRITES: Record<EcosystemId, string[]> = {
  node: ['/home/runner/.npm/_cacache/index-v5/{hex2}/{hex2}/{hex}', '/home/runner/.npm/_logs/{stamp}-debug-0.log'],
  python: ['/home/runner/.cache/pip/http-v2/{hex2}/{hex2}/{hex}', '/tmp/tmp{rand}/setup.py'],
  java: ['/home/runner/.m2/repository/org/example/app/maven-metadata-central.xml', '/tmp/surefire{digits}tmp/surefirebooter{digits}_3.jar'],
  go: ['/home/runner/go/pkg/mod/cache/download/golang.org/x/net/@v/list', '/home/runner/.cache/go-build/{hex2}/{hex}-d'],
  rust: ['/home/runner/.cargo/registry/index/index.crates.io-6f17d22bba15001f/.cache/{hex2}/{hex2}/{hex}', '/home/runner/.cargo/.package-cache'],
  dotnet: ['C:\\Users\\runner\\.nuget\\packages\\newtonsoft.json\\13.0.3\\.nupkg.metadata'],
};

const NEW_SECRETS = ['SENTRY_AUTH_TOKEN', 'SLACK_WEBHOOK_URL', 'TURBO_TOKEN', 'CHROMATIC_PROJECT_TOKEN', 'SONAR_TOKEN', 'DATADOG_API_KEY'];
const MB = 1024 * 1024;

/** Picks a repository's jobs (build and test always, the rest sometimes) and gives each its own normal. */
export function addJobs(repo: RepoSpec, rng: Rng, start: number, end: number, only?: JobKind[]): void {
  const scale = clamp(rng.lognormal(1, 0.4), 0.4, 3);
  const codecov = rng.chance(0.5);
  const docker = rng.chance(0.35);
  const kinds: JobKind[] = ['build', 'test'];
  for (const [kind, p] of [['lint', 0.8], ['release', 0.6], ['nightly', 0.5], ['e2e', 0.45], ['docs', 0.4]] as [JobKind, number][]) {
    if (rng.chance(p)) kinds.push(kind);
  }
  for (const kind of only ?? kinds) {
    const optional = only === undefined && kind !== 'build' && kind !== 'test';
    const startsAt = optional && rng.chance(0.12) ? rng.float(start + 0.2 * (end - start), start + 0.8 * (end - start)) : start;
    repo.jobs.push(createJob(repo, rng, kind, { scale, codecov, docker, startsAt, start, end }));
  }
}

interface JobContext {
  scale: number;
  codecov: boolean;
  docker: boolean;
  startsAt: number;
  start: number;
  end: number;
}

function createJob(repo: RepoSpec, rng: Rng, kind: JobKind, context: JobContext): JobSpec {
  const profile = PROFILES[kind];
  const eco = repo.ecosystem;
  const between = ([low, high]: [number, number]) => rng.float(low, high);
  const uploads = kind === 'release' || kind === 'docs' || (kind === 'build' && rng.chance(0.5));
  const job: JobSpec = {
    kind,
    pipelineId: `github:${repo.slug}:.github/workflows/${profile.workflow}:${kind}`,
    workflow: profile.workflow,
    startsAt: context.startsAt,
    onPush: kind !== 'release' && kind !== 'nightly',
    onPullRequest: kind === 'build' || kind === 'test' || kind === 'lint' ? 1 : kind === 'e2e' ? 0.5 : 0,
    duration: { median: between(profile.duration) * context.scale, sigma: between(profile.sigma) },
    cpuPerSecond: between(profile.cpu),
    memoryMb: between(profile.memory),
    rxBytes: between(profile.rxMb) * MB * context.scale,
    txBytes: (uploads ? between([20, 300]) : between(profile.txMb)) * MB,
    diskBytes: between([0.2, 4]) * 1024 * MB * context.scale,
    processCount: Math.round(between(profile.processes) * context.scale),
    cacheMissRate: rng.float(0.02, 0.08),
    failureRate: profile.failureRate,
    failFast: rng.chance(0.4),
    hosts: [...COMMON_HOSTS, ...eco.hosts, repo.blobHost, 'results-receiver.actions.githubusercontent.com'],
    occasionalHosts: [...eco.occasionalHosts],
    secrets: repo.runner.os === 'Windows' ? [] : ['GITHUB_TOKEN'],
    processes: [...COMMON_PROCESSES, ...eco.toolchain, ...eco.tools],
    packages: rng.sample(eco.packages, rng.int(3, 7)),
    actions: ['actions/checkout@v4', eco.setupAction, 'actions/cache@v4'],
    permissions: { contents: 'read' },
    downloads: [],
    filesWritten: CACHE_WRITES[eco.id],
    codecov: kind === 'test' && context.codecov,
    docker: (kind === 'build' || kind === 'release') && context.docker,
  };
  if (kind === 'test' || kind === 'e2e' || kind === 'nightly') job.tests = { base: rng.int(50, 4000), perWeek: rng.float(0, 15) };
  if (job.codecov) {
    job.hosts.push(...CODECOV_HOSTS);
    job.actions.push('codecov/codecov-action@v5');
    job.secrets.push('CODECOV_TOKEN');
  }
  if (job.docker) {
    job.hosts.push(...DOCKER_HOSTS);
    job.processes.push('/usr/bin/docker', '/usr/bin/buildx');
    job.actions.push('docker/login-action@v3', 'docker/build-push-action@v6');
    job.secrets.push('DOCKERHUB_TOKEN');
  }
  if (uploads && kind !== 'release') job.actions.push('actions/upload-artifact@v4');
  if (kind === 'lint' && rng.chance(0.25)) job.actions.push('tj-actions/changed-files@v45');
  if (kind === 'build') job.artifact = { name: repo.slug.split('/')[1]!, mode: repo.ecosystem.id === 'java' && rng.chance(0.5) ? 'snapshot' : 'versioned', signed: false };
  if (kind === 'nightly') job.artifact = { name: `${repo.slug.split('/')[1]}-nightly`, mode: 'nightly', signed: false };
  if (kind === 'release') addRelease(repo, rng, job);
  if (kind === 'nightly') job.secrets.push('SLACK_WEBHOOK_URL');
  if (kind === 'nightly') job.hosts.push('hooks.slack.com');
  if (eco.installer && (kind === 'build' || kind === 'test') && rng.chance(0.5)) {
    job.installer = { ...eco.installer, host: new URL(eco.installer.url).hostname };
    job.hosts.push(job.installer.host);
  }
  if (rng.chance(0.1)) job.stepChange = { at: rng.float(context.start + 0.25 * (context.end - context.start), context.end), factor: rng.float(1.2, 1.6) };
  if (rng.chance(0.06)) job.addedSecret = { at: rng.float(context.start + 0.2 * (context.end - context.start), context.end), name: rng.pick(NEW_SECRETS) };
  if (kind === 'test' && rng.chance(0.08)) job.addedPermission = { at: rng.float(context.start + 0.2 * (context.end - context.start), context.end), scope: 'pull-requests', level: 'write' };
  return job;
}

function addRelease(repo: RepoSpec, rng: Rng, job: JobSpec): void {
  const eco = repo.ecosystem;
  job.artifact = { name: repo.slug.split('/')[1]!, mode: 'release', signed: true };
  job.hosts.push(eco.publishHost, ...SIGSTORE_HOSTS);
  job.secrets.push(eco.publishSecret, 'SIGNING_KEY');
  job.processes.push('/usr/local/bin/cosign');
  job.actions.push('sigstore/cosign-installer@v3', 'softprops/action-gh-release@v2');
  if (eco.id === 'python') job.actions.push('pypa/gh-action-pypi-publish@release/v1');
  job.permissions = { contents: 'write', 'id-token': 'write' };
  if (rng.chance(0.2)) {
    job.installer = { ...HELM_INSTALLER };
    job.hosts.push(HELM_INSTALLER.host);
    job.processes.push('/usr/local/bin/helm');
  }
}
