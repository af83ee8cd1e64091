import type { Finding } from '@pipewatch/shared';

/** Runs whose findings are kept for answers, and findings kept per run: bounded, newest kept. */
const MAX_RUNS = 5000;
const MAX_PER_RUN = 50;
/** The longest a caller may wait for the findings of what it just sent. */
export const MAX_WAIT_MS = 5000;

/**
 * The findings the detector raised lately, by run, so the collector can answer a
 * streamed observation with what was found in that run so far (the forwarder's
 * `--fail-on` stops a job on them). Fed from the findings topic.
 */
export interface FindingsFeed {
  record(finding: Finding): void;
  forRun(pipelineId: string, runId: string): Finding[];
  /** Resolves once a finding names one of `eventIds`, or after `ms`. */
  waitFor(eventIds: readonly string[], ms: number): Promise<void>;
}

export function createFindingsFeed(): FindingsFeed {
  const runs = new Map<string, Map<string, Finding>>();
  const waiters = new Set<{ ids: ReadonlySet<string>; done(): void }>();
  const keyOf = (pipelineId: string, runId: string): string => `${pipelineId}\u0000${runId}`;
  return {
    record(finding) {
      const key = keyOf(finding.pipeline.id, finding.run.id);
      let found = runs.get(key);
      if (found) runs.delete(key);
      else found = new Map();
      runs.set(key, found); // Map order: most recently touched last.
      if (!found.has(finding.finding_id) && found.size < MAX_PER_RUN) found.set(finding.finding_id, finding);
      if (runs.size > MAX_RUNS) runs.delete(runs.keys().next().value!);
      for (const waiter of waiters) if (finding.event_ids.some((id) => waiter.ids.has(id))) waiter.done();
    },
    forRun(pipelineId, runId) {
      return [...(runs.get(keyOf(pipelineId, runId))?.values() ?? [])];
    },
    waitFor(eventIds, ms) {
      if (ms <= 0 || eventIds.length === 0) return Promise.resolve();
      return new Promise((resolve) => {
        const waiter = {
          ids: new Set(eventIds),
          done() {
            clearTimeout(timer);
            waiters.delete(waiter);
            resolve();
          },
        };
        const timer = setTimeout(() => waiter.done(), Math.min(ms, MAX_WAIT_MS));
        timer.unref();
        waiters.add(waiter);
      });
    },
  };
}
