import { PermanentError, RunEvent, decodeJson, errorMessage, parseGitHubJobLog, splitGitHubLine, withRetry, type Bus, type Logger, type RetryPolicy, type Subscription, type TopicNames } from '@pipewatch/shared';
import type { LogBatchPublisher } from '../logs/publish-log-batches.js';
import { textLogBatches } from '../logs/text-log-batch.js';
import { redactRunEvent } from '../ingest/redact-run-event.js';
import type { GitHubJobLogClient, JobLog } from './github-job-log-client.js';
import { mergeGitHubJobLog } from './merge-github-job-log.js';

/** Retries of a GitHub fetch (5xx, network, a short rate limit) before the run goes on without its log. */
const FETCH_RETRY: RetryPolicy = { retries: 4, minDelayMs: 500, maxDelayMs: 15_000 };

export interface EnrichDeps {
  bus: Bus;
  topics: TopicNames;
  github: GitHubJobLogClient;
  publishLogs: LogBatchPublisher;
  knownSecretValues: readonly string[];
  logger: Logger;
  retry?: RetryPolicy;
}

/** Whether a webhook's run event is held for its job log: a finished GitHub job with an id and a repository. */
export function wantsJobLog(event: RunEvent): boolean {
  return event.source === 'github-actions' && typeof event.attributes?.github_job_id === 'number' && !!event.pipeline.repository;
}

/**
 * Judged once, with its log: the collector publishes a finished GitHub job's run event to
 * `runs.enrich` instead of `runs` (the webhook is answered at once). This consumer fetches
 * the job's log, publishes its lines to `logs` (redacted, like every log) and the merged
 * event to `runs`, and only then acknowledges: a crash in between fetches again, and the
 * detector's dedupe by event id keeps it one run. A log that cannot be had (404, no access,
 * GitHub down past the retries) never holds the run back: the event goes on as it came,
 * with `attributes.enrichment` saying why.
 */
export async function startJobLogEnricher(deps: EnrichDeps): Promise<Subscription> {
  return deps.bus.subscribe({
    topic: deps.topics.enrich,
    group: 'pipewatch-enricher',
    deadLetterTopic: deps.topics.deadLetter,
    async handler(message) {
      const parsed = RunEvent.safeParse(decodeJson(message));
      if (!parsed.success) throw new PermanentError('invalid_run_event', 'the message on runs.enrich is not a run event');
      const event = parsed.data;
      const outcome = await fetchLog(deps, event);
      let merged = event;
      if ('log' in outcome) {
        const facts = parseGitHubJobLog(outcome.log.text);
        merged = mergeGitHubJobLog(event, facts, outcome.log.truncated);
        const lines = outcome.log.text.split(/\r?\n/).map((line) => splitGitHubLine(line).message).filter((line) => line.trim() !== '');
        const batches = textLogBatches(lines, { pipeline: event.pipeline.id, run: event.run.id, batch: `${event.event_id}:job-log`, source: 'github-actions' }, deps.knownSecretValues);
        await deps.publishLogs(batches);
      } else {
        merged = { ...event, attributes: { ...(event.attributes ?? {}), enrichment: `none: ${outcome.reason}`.slice(0, 2000) } };
      }
      const redacted = redactRunEvent(merged, deps.knownSecretValues).event;
      await deps.bus.publish(deps.topics.runs, [{ key: redacted.pipeline.id, value: JSON.stringify(redacted) }]);
    },
  });
}

async function fetchLog(deps: EnrichDeps, event: RunEvent): Promise<{ log: JobLog } | { reason: string }> {
  const repository = event.pipeline.repository!;
  const jobId = event.attributes!.github_job_id as number;
  try {
    const log = await withRetry(
      async () => deps.github.fetch(repository, jobId),
      deps.retry ?? FETCH_RETRY,
      (error) => deps.logger.warn('job log fetch failed, retrying', { repository, job_id: jobId, error: errorMessage(error) }),
    );
    return { log };
  } catch (error) {
    deps.logger.warn('job log not available; the run goes on without it', { repository, job_id: jobId, error: errorMessage(error) });
    return { reason: errorMessage(error) };
  }
}
