import type { RunEvent } from '@pipewatch/shared';
import type { RunItem } from '../scenario-item.js';
import { parseCsv } from './csv.js';

export interface TravisBuild {
  project: string;
  buildId: string;
  buildNumber?: number;
  startedAt: string;
  status: 'success' | 'failure' | 'cancelled' | 'running';
  rawStatus: string;
  durationS?: number;
  branch?: string;
  isPr: boolean;
  commit?: string;
  jobs?: number;
}

export interface TravisLoad {
  builds: TravisBuild[];
  /** Rows dropped, with why (no id, no start time, a repeated build id). */
  dropped: { row: number; reason: string }[];
  quirks: {
    missingDuration: number;
    missingJobs: number;
    missingBranch: number;
    /** Start times given without a zone; TravisTorrent's are UTC. */
    zonelessTimes: number;
    /** Rows out of start-time order in the file (the file is ordered per project, not overall). */
    reordered: number;
    /** Build numbers that go down while start times go up (a PR and a push build racing). */
    numberInversions: number;
    sameStartTime: number;
  };
}

const NULLS = new Set(['', 'NA', 'N/A', 'null', 'NULL', 'None', 'nan', 'NaN']);
const COLUMNS = ['gh_project_name', 'tr_build_id', 'tr_build_number', 'gh_build_started_at', 'tr_status', 'tr_duration', 'git_branch', 'gh_is_pr', 'git_trigger_commit', 'n_jobs'] as const;

/**
 * Reads the TravisTorrent extract: tolerant of nulls written as NA / empty /
 * null, of zone-less timestamps, of repeated build ids, and of rows not in time
 * order across projects; returns builds sorted by start time.
 */
export function parseTravisBuilds(text: string): TravisLoad {
  const [header, ...rows] = parseCsv(text);
  if (!header) throw new Error('empty CSV');
  const index = Object.fromEntries(COLUMNS.map((column) => [column, header.indexOf(column)])) as Record<(typeof COLUMNS)[number], number>;
  const missing = COLUMNS.filter((column) => index[column] < 0);
  if (missing.length > 0) throw new Error(`missing columns: ${missing.join(', ')}`);
  const load: TravisLoad = { builds: [], dropped: [], quirks: { missingDuration: 0, missingJobs: 0, missingBranch: 0, zonelessTimes: 0, reordered: 0, numberInversions: 0, sameStartTime: 0 } };
  const seen = new Set<string>();
  rows.forEach((row, i) => {
    const value = (column: (typeof COLUMNS)[number]) => {
      const raw = (row[index[column]] ?? '').trim();
      return NULLS.has(raw) ? undefined : raw;
    };
    const buildId = value('tr_build_id');
    const started = value('gh_build_started_at');
    if (!buildId || !started) return void load.dropped.push({ row: i + 2, reason: !buildId ? 'no build id' : 'no start time' });
    if (seen.has(buildId)) return void load.dropped.push({ row: i + 2, reason: `build id ${buildId} repeated` });
    seen.add(buildId);
    const zoneless = !/(Z|[+-]\d\d:?\d\d)$/.test(started);
    if (zoneless) load.quirks.zonelessTimes++;
    const startedAt = new Date(zoneless ? `${started.replace(' ', 'T')}Z` : started);
    if (Number.isNaN(startedAt.getTime())) return void load.dropped.push({ row: i + 2, reason: `bad start time ${started}` });
    const duration = numberOf(value('tr_duration'));
    const jobs = numberOf(value('n_jobs'));
    const branch = value('git_branch');
    if (duration === undefined) load.quirks.missingDuration++;
    if (jobs === undefined) load.quirks.missingJobs++;
    if (branch === undefined) load.quirks.missingBranch++;
    const rawStatus = value('tr_status') ?? 'unknown';
    load.builds.push({
      project: value('gh_project_name') ?? 'unknown',
      buildId,
      buildNumber: numberOf(value('tr_build_number')),
      startedAt: startedAt.toISOString(),
      status: statusOf(rawStatus),
      rawStatus,
      ...(duration !== undefined && duration >= 0 ? { durationS: duration } : {}),
      ...(branch ? { branch } : {}),
      isPr: /^(true|t|1|yes)$/i.test(value('gh_is_pr') ?? ''),
      ...(value('git_trigger_commit') ? { commit: value('git_trigger_commit') } : {}),
      ...(jobs !== undefined ? { jobs } : {}),
    });
  });
  for (let i = 1; i < load.builds.length; i++) if (load.builds[i]!.startedAt < load.builds[i - 1]!.startedAt) load.quirks.reordered++;
  load.builds.sort((a, b) => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : Number(a.buildId) - Number(b.buildId)));
  const lastNumber = new Map<string, number>();
  for (let i = 0; i < load.builds.length; i++) {
    const build = load.builds[i]!;
    if (i > 0 && load.builds[i - 1]!.startedAt === build.startedAt) load.quirks.sameStartTime++;
    const previous = lastNumber.get(build.project);
    if (build.buildNumber !== undefined) {
      if (previous !== undefined && build.buildNumber < previous) load.quirks.numberInversions++;
      lastNumber.set(build.project, Math.max(previous ?? 0, build.buildNumber));
    }
  }
  return load;
}

/** `passed`/`failed` are the build's outcome; `errored` is Travis failing before the build script (install, VM): still a failure. */
function statusOf(raw: string): TravisBuild['status'] {
  switch (raw.toLowerCase()) {
    case 'passed':
      return 'success';
    case 'canceled':
    case 'cancelled':
      return 'cancelled';
    case 'started':
    case 'created':
      return 'running';
    default:
      return 'failure';
  }
}

function numberOf(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  return Number.isFinite(value) ? value : undefined;
}

/** Pipeline per project and kind of branch: master builds, pull request builds and other branches behave differently. */
export function travisPipelineId(build: TravisBuild): string {
  const kind = build.isPr ? 'pr' : build.branch === 'master' ? 'master' : 'branch';
  return `travis:${build.project}:${kind}`;
}

/**
 * One run event per build. `occurred_at` is the build's start (the extract has
 * no finish time); `tr_duration` is Travis' summed job time, so it grows with
 * the build matrix, which `metrics.n_jobs` records beside it.
 */
export function travisRunItems(builds: readonly TravisBuild[]): RunItem[] {
  return builds.map((build) => {
    const event: RunEvent = {
      schema: 'pipewatch.run/v1',
      event_id: `travis-${build.buildId}`,
      source: 'generic',
      occurred_at: build.startedAt,
      pipeline: { id: travisPipelineId(build), name: build.project, repository: build.project, job: travisPipelineId(build).split(':')[2]! },
      run: {
        id: build.buildId,
        ...(build.buildNumber !== undefined && Number.isInteger(build.buildNumber) && build.buildNumber >= 0 ? { number: build.buildNumber } : {}),
        status: build.status,
        trigger: build.isPr ? 'pull_request' : 'push',
        ...(build.branch ? { branch: build.branch } : {}),
        ...(build.commit ? { commit: build.commit } : {}),
        started_at: build.startedAt,
      },
      ...(build.durationS !== undefined ? { resources: { duration_s: build.durationS } } : {}),
      ...(build.jobs !== undefined ? { metrics: { n_jobs: build.jobs } } : {}),
      attributes: { travis_status: build.rawStatus },
    };
    return { kind: 'run', at: Date.parse(build.startedAt), event, causes: build.status === 'success' ? [] : [`travis_${build.rawStatus}`] };
  });
}
