import type { LogBatch, RunEvent } from '@pipewatch/shared';
import { createRng, fakeDigest, hashSeed, type Rng } from '../random/prng.js';
import type { LogItem, RunItem } from '../scenario-item.js';
import { benignLogLines } from './benign-logs.js';
import { usesTag, WEEK_MS, type Fleet, type JobSpec, type RepoSpec } from './fleet.js';
import { actionSha, countUpTo, downloadVersion, hostsAt, installerDigest, packageDigest, packageVersion, permissionsAt, queueFactor, secretsAt, toolchainHash, worldEpochs } from './world.js';

/** One trigger of a workflow: every job it runs shares these. */
export interface WorkflowRun {
  runId: string;
  number: number;
  attempt: number;
  commit: string;
  trigger: string;
  actor: string;
  branch: string;
  fromFork: boolean;
  triggeredAt: number;
  /** Release runs carry their sequence number, which names the version. */
  release?: number;
}

/** What the generator remembers per pipeline, only to name the causes of what a run shows. */
export interface PipelineMemory {
  runs: number;
  epochs?: Record<string, number>;
  actors: Set<string>;
  triggers: Set<string>;
  hosts: Set<string>;
  artifactVersions: Set<string>;
}

export function newMemory(): PipelineMemory {
  return { runs: 0, actors: new Set(), triggers: new Set(), hosts: new Set(), artifactVersions: new Set() };
}

export interface JobRunOptions {
  logs: boolean;
}

/** What one run of a job drew: the figures every part of the event is derived from. */
interface Draw {
  rng: Rng;
  queueS: number;
  status: 'success' | 'failure' | 'cancelled';
  cacheMiss: boolean;
  durationS: number;
  /** The duration without the cache-miss slowdown: what the CPU actually worked for. */
  workS: number;
  startedAt: number;
  finishedAt: number;
  causes: string[];
}

/**
 * Builds the run event (and, when asked, its log batch, which arrives just before
 * it) for one job of one workflow run. Seeded by the run itself, so the same run
 * comes out the same whatever else the fleet did.
 */
export function buildJobRun(fleet: Fleet, repo: RepoSpec, job: JobSpec, workflow: WorkflowRun, memory: PipelineMemory, options: JobRunOptions): (RunItem | LogItem)[] {
  const draw = drawRun(fleet, repo, job, workflow, memory);
  const event = assembleEvent(fleet, repo, job, workflow, draw, memory);
  remember(memory, event, worldEpochs(fleet, repo, job, workflow.triggeredAt));
  const runItem: RunItem = { kind: 'run', at: draw.finishedAt, event, causes: draw.causes };
  if (!options.logs) return [runItem];
  const batch: LogBatch = {
    schema: 'pipewatch.log/v1',
    event_id: `log-${workflow.runId}-${workflow.attempt}-${job.kind}`,
    source: 'github-actions',
    pipeline: { id: job.pipelineId },
    run: { id: workflow.runId },
    lines: benignLogLines(draw.rng, repo, job, event).map((text) => ({ text })),
  };
  return [{ kind: 'log', at: draw.finishedAt - 1000, batch, causes: draw.causes }, runItem];
}

function drawRun(fleet: Fleet, repo: RepoSpec, job: JobSpec, workflow: WorkflowRun, memory: PipelineMemory): Draw {
  const rng = createRng(hashSeed(repo.seed, job.kind, workflow.runId, workflow.attempt));
  const causes = causesOf(fleet, repo, job, workflow, memory);
  const spike = queueFactor(fleet, workflow.triggeredAt);
  if (spike > 1) causes.push('queue_spike');
  const queueS = rng.lognormal(repo.runner.selfHosted ? 8 : 6, 0.6) * spike;
  const failed = rng.chance(job.failureRate);
  const cancelled = !failed && workflow.trigger === 'pull_request' && rng.chance(0.02);
  const bumped = memory.epochs !== undefined && memory.epochs['dependency_bump'] !== worldEpochs(fleet, repo, job, workflow.triggeredAt)['dependency_bump'];
  // A lockfile change changes the cache key: the first run after a bump always misses.
  const cacheMiss = bumped || rng.chance(job.cacheMissRate);
  if (cacheMiss) causes.push('cache_miss');
  if (failed) causes.push('failed');
  if (cancelled) causes.push('cancelled');
  const status = failed ? 'failure' : cancelled ? 'cancelled' : 'success';
  const step = job.stepChange && workflow.triggeredAt >= job.stepChange.at ? job.stepChange.factor : 1;
  const base = rng.lognormal(job.duration.median, job.duration.sigma) * step;
  const missFactor = cacheMiss ? rng.float(1.5, 2.5) : 1;
  const endFactor = failed ? rng.float(0.2, 1) : cancelled ? rng.float(0.05, 0.8) : 1;
  const durationS = base * missFactor * endFactor;
  const startedAt = workflow.triggeredAt + queueS * 1000;
  const workS = base * endFactor * (1 + 0.3 * (missFactor - 1));
  return { rng, queueS, status, cacheMiss, durationS, workS, startedAt, finishedAt: startedAt + durationS * 1000, causes };
}

function causesOf(fleet: Fleet, repo: RepoSpec, job: JobSpec, workflow: WorkflowRun, memory: PipelineMemory): string[] {
  const causes: string[] = [];
  const epochs = worldEpochs(fleet, repo, job, workflow.triggeredAt);
  if (memory.epochs) for (const [cause, value] of Object.entries(epochs)) if (value !== memory.epochs[cause]) causes.push(cause);
  if (memory.runs < 10) causes.push(job.startsAt > fleet.start ? 'new_pipeline' : 'learning');
  if (memory.runs > 0 && !memory.actors.has(workflow.actor)) causes.push(job.kind === 'release' ? 'new_release_manager' : 'new_actor');
  if (memory.runs > 0 && !memory.triggers.has(workflow.trigger)) causes.push('new_trigger');
  if (workflow.attempt > 1) causes.push('rerun');
  if (job.stepChange && workflow.triggeredAt >= job.stepChange.at && workflow.triggeredAt < job.stepChange.at + 3 * WEEK_MS) causes.push('step_change');
  return causes;
}

function assembleEvent(fleet: Fleet, repo: RepoSpec, job: JobSpec, workflow: WorkflowRun, draw: Draw, memory: PipelineMemory): RunEvent {
  const { rng } = draw;
  const at = workflow.triggeredAt;
  const cpuS = draw.workS * job.cpuPerSecond * rng.lognormal(1, 0.08);
  const rxBytes = job.rxBytes * rng.lognormal(1, 0.25) * (draw.cacheMiss ? rng.float(1.5, 3) : 1);
  // actions/cache saves a fresh archive at the end of a job that missed: a big upload to the repo's blob store.
  const cacheUpload = draw.cacheMiss && draw.status === 'success' ? job.rxBytes * rng.float(0.5, 0.9) : 0;
  const ownTx = job.txBytes * rng.lognormal(1, 0.35) * (draw.status === 'success' ? 1 : 0.3);
  const trigger = workflow.trigger === 'pull_request' && job.prTrigger ? job.prTrigger : workflow.trigger;
  // pull_request_target hands the base repository's secrets even to fork code; pull_request does not.
  const withholdSecrets = workflow.fromFork && trigger === 'pull_request';
  const egress = egressOf(rng, repo, job, at, cacheUpload + (job.artifact ? ownTx * 0.8 : 0), memory, draw.causes);
  const tests = testsRun(rng, fleet, job, at, draw.status);
  if (tests !== undefined && tests.partial) draw.causes.push('tests_cut_short');
  const event: RunEvent = {
    schema: 'pipewatch.run/v1',
    event_id: `gh-${workflow.runId}-${workflow.attempt}-${job.kind}`,
    source: 'github-actions',
    occurred_at: new Date(draw.finishedAt).toISOString(),
    pipeline: { id: job.pipelineId, name: job.workflow.replace('.yml', ''), repository: repo.slug, job: job.kind },
    run: {
      id: workflow.runId,
      attempt: workflow.attempt,
      number: workflow.number,
      url: `https://github.com/${repo.slug}/actions/runs/${workflow.runId}`,
      status: draw.status,
      trigger,
      branch: workflow.branch,
      commit: workflow.commit,
      actor: workflow.actor,
      from_fork: workflow.fromFork,
      started_at: new Date(draw.startedAt).toISOString(),
      finished_at: new Date(draw.finishedAt).toISOString(),
    },
    runner: {
      name: repo.runner.name,
      os: repo.runner.os,
      arch: 'X64',
      labels: repo.runner.selfHosted ? ['self-hosted', repo.runner.os.toLowerCase(), 'x64'] : ['ubuntu-latest'],
      self_hosted: repo.runner.selfHosted,
      ephemeral: repo.runner.ephemeral,
    },
    resources: {
      duration_s: round(draw.durationS),
      queue_s: round(draw.queueS),
      cpu_s: round(cpuS),
      max_rss_mb: round(job.memoryMb * rng.lognormal(1, 0.07)),
      net_tx_bytes: Math.round(ownTx + cacheUpload + 200_000 * rng.next()),
      net_rx_bytes: Math.round(rxBytes * (draw.status === 'success' ? 1 : 0.8)),
      disk_write_bytes: Math.round(job.diskBytes * rng.lognormal(1, 0.2) * (draw.cacheMiss ? 1.5 : 1)),
      process_count: Math.round(job.processCount * rng.lognormal(1, 0.05) * (job.stepChange && at >= job.stepChange.at ? job.stepChange.factor : 1) * (draw.status === 'success' ? 1 : 0.6)),
    },
    ...(tests !== undefined || job.artifact ? { metrics: metricsOf(rng, repo, job, tests?.count) } : {}),
    access: {
      egress,
      secrets: withholdSecrets ? [] : secretsAt(job, at),
      processes: job.processes.map((exe) => ({ exe, sha256: toolchainHash(repo, exe, at) })),
      ...(job.filesWritten.length > 0 ? { files_written: job.filesWritten.map((path) => fillPath(rng, path, draw.finishedAt)) } : {}),
      permissions: withholdSecrets ? { contents: 'read' } : permissionsAt(job, at),
    },
    steps: stepsOf(fleet, repo, job, at),
    dependencies: dependenciesOf(fleet, repo, job, at),
  };
  const artifact = artifactOf(repo, job, workflow, draw);
  if (artifact) {
    if (artifact.version && memory.artifactVersions.has(artifact.version)) draw.causes.push('same_version_rebuilt');
    event.artifacts = [artifact];
  }
  return event;
}

function egressOf(rng: Rng, repo: RepoSpec, job: JobSpec, at: number, blobBytes: number, memory: PipelineMemory, causes: string[]): NonNullable<RunEvent['access']>['egress'] {
  const hosts = hostsAt(repo, job, at);
  for (const [host, probability] of job.occasionalHosts) if (rng.chance(probability)) hosts.push(host);
  if (memory.runs > 0 && hosts.some((host) => !memory.hosts.has(host)) && !causes.includes('new_mirror')) causes.push('occasional_host');
  return hosts.map((host) => ({
    host,
    port: 443,
    ...(host === repo.blobHost && blobBytes > 0 ? { bytes_out: Math.round(blobBytes) } : {}),
  }));
}

function testsRun(rng: Rng, fleet: Fleet, job: JobSpec, at: number, status: Draw['status']): { count: number; partial: boolean } | undefined {
  if (!job.tests) return undefined;
  const full = Math.round(job.tests.base + (job.tests.perWeek * (at - fleet.start)) / WEEK_MS);
  const cut = (status === 'failure' && job.failFast) || status === 'cancelled';
  return { count: cut ? Math.round(full * rng.float(0.05, 0.95)) : full, partial: cut };
}

function metricsOf(rng: Rng, repo: RepoSpec, job: JobSpec, tests: number | undefined): Record<string, number> {
  const metrics: Record<string, number> = {};
  if (tests !== undefined) metrics['tests'] = tests;
  if (job.artifact) metrics['artifact_bytes'] = Math.round((parseInt(fakeDigest(repo.slug, job.kind).slice(0, 6), 16) % 50_000_000) * rng.lognormal(1, 0.01) + 100_000);
  return metrics;
}

function stepsOf(fleet: Fleet, repo: RepoSpec, job: JobSpec, at: number): NonNullable<RunEvent['steps']> {
  const steps: NonNullable<RunEvent['steps']> = job.actions.map((ref) => {
    const sha = actionSha(fleet, ref, at);
    const name = ref.slice(0, ref.lastIndexOf('@'));
    // A pinned reference names the commit itself: a bot bump makes a new reference, nothing moves.
    const action = usesTag(repo, ref) ? ref : `${name}@${sha}`;
    return { name, action, action_sha: sha, status: 'success' };
  });
  steps.push({ name: job.kind, status: 'success' });
  return steps;
}

function dependenciesOf(fleet: Fleet, repo: RepoSpec, job: JobSpec, at: number): NonNullable<RunEvent['dependencies']> {
  const registry = `https://${repo.ecosystem.hosts[0]}`;
  const out: NonNullable<RunEvent['dependencies']> = job.packages.map((name) => {
    const version = packageVersion(repo, name, at);
    return { name, version, digest: packageDigest(name, version), source: registry };
  });
  if (job.codecov) {
    const version = `0.${7 + countUpTo(fleet.actionReleases['codecov/codecov-action@v5'] ?? [], at)}.0`;
    out.push({ name: 'codecov-cli', version, digest: packageDigest('codecov-cli', version), source: 'https://cli.codecov.io' });
  }
  for (const download of job.downloads) {
    const version = downloadVersion(download, at);
    out.push({ name: download.name, version, digest: packageDigest(download.name, version), source: download.url });
  }
  // Fetched from a URL with no version in it: the bytes change whenever upstream publishes.
  if (job.installer) out.push({ name: job.installer.name, digest: installerDigest(fleet, job.installer.name, at), source: job.installer.url });
  return out;
}

function artifactOf(repo: RepoSpec, job: JobSpec, workflow: WorkflowRun, draw: Draw): NonNullable<RunEvent['artifacts']>[number] | undefined {
  const spec = job.artifact;
  if (!spec || draw.status !== 'success') return undefined;
  const onMain = workflow.branch === 'main' && !workflow.fromFork;
  const built = repo.reproducible ? fakeDigest(repo.slug, spec.name, workflow.commit) : fakeDigest(repo.slug, spec.name, workflow.commit, workflow.attempt, draw.finishedAt);
  const digest = `sha256:${built}`;
  const major = 1 + (repo.index % 4);
  if (spec.mode === 'nightly') return { name: spec.name, version: `nightly-${new Date(workflow.triggeredAt).toISOString().slice(0, 10).replace(/-/g, '')}`, digest };
  if (spec.mode === 'release') {
    const version = `${major}.${Math.floor((workflow.release ?? 0) / 10)}.${(workflow.release ?? 0) % 10}`;
    return { name: spec.name, version, digest, signed: true, signature_verified: true, signer: `https://github.com/${repo.slug}/.github/workflows/release.yml@refs/tags/v${version}` };
  }
  if (!onMain) return { name: `${spec.name}-pr`, digest };
  if (spec.mode === 'snapshot') return { name: spec.name, version: `${major}.${Math.floor(workflow.number / 150) + 1}.0-SNAPSHOT`, digest };
  return { name: spec.name, version: `${spec.versionPrefix ?? `${major}.0`}.${workflow.number}`, digest, ...(spec.signed ? { signed: true, signature_verified: true } : {}) };
}

function remember(memory: PipelineMemory, event: RunEvent, epochs: Record<string, number>): void {
  memory.runs += 1;
  memory.epochs = epochs;
  if (event.run.actor) memory.actors.add(event.run.actor);
  if (event.run.trigger) memory.triggers.add(event.run.trigger);
  for (const egress of event.access?.egress ?? []) if (egress.host) memory.hosts.add(egress.host);
  for (const artifact of event.artifacts ?? []) if (artifact.version) memory.artifactVersions.add(artifact.version);
}

const TEMP_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789_';

function fillPath(rng: Rng, template: string, at: number): string {
  return template.replace(/\{(hex2|hex|rand|digits|stamp)\}/g, (_, token: string) => {
    if (token === 'hex2') return rng.hex(2);
    if (token === 'hex') return rng.hex(rng.int(16, 40));
    if (token === 'rand') return Array.from({ length: 8 }, () => TEMP_ALPHABET[rng.int(0, TEMP_ALPHABET.length - 1)]).join('');
    if (token === 'digits') return String(rng.int(1e8, 9e8)) + String(rng.int(1e9, 9e9));
    return new Date(at).toISOString().replace(/[:.]/g, '_');
  });
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
