import { RUN_SCHEMA, type RunEvent } from '@pipewatch/shared';
import { clip, clipId, compact, isoTime, lookup, nonEmpty, readPayload, record } from '../map-helpers.js';
import { ignored, missingTime, type MapResult } from '../map-result.js';
import { JenkinsNotification } from './jenkins-payload.js';

type RunStatus = NonNullable<RunEvent['run']['status']>;

const RESULTS: Readonly<Record<string, RunStatus>> = {
  SUCCESS: 'success',
  UNSTABLE: 'failure',
  FAILURE: 'failure',
  ABORTED: 'cancelled',
  NOT_BUILT: 'skipped',
};

/** COMPLETED comes when the build ends, FINALIZED after its post-build steps: both describe the same build. */
const FINAL_PHASES = new Set(['COMPLETED', 'FINALIZED']);

/**
 * A Jenkins Notification plugin message → one run event per finished build,
 * keyed `jenkins:<full job name>`. The event id is job + build number, so the
 * COMPLETED and FINALIZED messages of one build are one event: whichever comes
 * first is published and the other is a duplicate.
 */
export function mapJenkinsNotification(payload: unknown): MapResult {
  const read = readPayload(JenkinsNotification, payload);
  if (!read.ok) return read.result;
  const { build, ...job } = read.value;
  if (!FINAL_PHASES.has(build.phase)) return ignored('phase_not_final', `build phase ${build.phase}`);

  const fullName = fullJobName(job.url, job.name);
  const at = isoTime(build.timestamp);
  if (at === undefined) return missingTime('build.timestamp');
  const durationS = typeof build.duration === 'number' && build.duration >= 0 ? build.duration / 1000 : undefined;
  // At COMPLETED the plugin stamps start + duration, i.e. the end; FINALIZED is stamped later, when post-build work is done.
  const finished = build.phase === 'COMPLETED' ? at : undefined;
  // isoTime, not toISOString: a duration near Number.MAX_VALUE puts the start outside Date's range (a RangeError, once a 500).
  const started = finished !== undefined && durationS !== undefined ? isoTime(Date.parse(finished) - durationS * 1000) : undefined;
  const tests = build.test_summary;
  const repository = build.scm?.url ? withoutCredentials(build.scm.url) : undefined;

  const event: RunEvent = {
    schema: RUN_SCHEMA,
    event_id: clipId(`jenkins:${fullName}:${build.number}`, 200),
    source: 'jenkins',
    occurred_at: at,
    pipeline: compact({
      id: clipId(`jenkins:${fullName}`, 300),
      name: clip(job.display_name || fullName, 500),
      repository: repository ? clip(repository, 500) : undefined,
      job: clip(fullName, 500),
    }),
    run: compact({
      id: String(build.number),
      number: build.number,
      url: build.full_url ? clip(build.full_url, 2000) : undefined,
      status: build.status ? lookup(RESULTS, build.status) : undefined,
      branch: build.scm?.branch ? clip(build.scm.branch.replace(/^origin\//, ''), 500) : undefined,
      commit: build.scm?.commit ? clip(build.scm.commit, 200) : undefined,
      started_at: started,
      finished_at: finished,
    }),
    resources: nonEmpty({ duration_s: durationS }),
    metrics: tests
      ? record({
          tests_total: finite(tests.total),
          tests_failed: finite(tests.failed),
          tests_skipped: finite(tests.skipped),
          tests_passed: finite(tests.passed),
        })
      : undefined,
    attributes: record({
      jenkins_phase: build.phase,
      jenkins_status: build.status ? clip(build.status, 2000) : undefined,
      jenkins_queue_id: build.queue_id ?? undefined,
    }),
  };
  return { kind: 'event', event: compact(event) };
}

/**
 * `job/team/job/app/job/main/` → `team/app/main`. The plugin's `name` is only the
 * last part, which two folders (or two multibranch projects) can share.
 */
export function fullJobName(url: string | null | undefined, name: string): string {
  if (!url) return name;
  const parts = url.split('/').filter((part) => part.length > 0);
  const names: string[] = [];
  for (let i = 0; i < parts.length - 1; i++) {
    if (parts[i] === 'job') names.push(safeDecode(parts[i + 1]!));
  }
  return names.length > 0 ? names.join('/') : name;
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function finite(value: number | null | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A clone URL may carry a password; the repository's name does not need it. */
function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return url;
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url;
  }
}
