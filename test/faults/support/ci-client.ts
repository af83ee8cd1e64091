import type { RunEvent } from '@pipewatch/shared';

export interface ClientStats {
  /** Events the collector answered 202: the only ones counted as sent. */
  accepted: number;
  attempts: number;
  /** Attempts that found no collector (refused, reset, timed out). */
  connectionErrors: number;
  /** 503 answers, and how many of them carried Retry-After. */
  unavailable: number;
  unavailableWithRetryAfter: number;
  /** Time of each 202 and each 503, for lining answers up with an outage. */
  acceptedAt: number[];
  unavailableAt: number[];
}

export interface SteadyStream {
  /** Per pipeline, the events answered 202, in the order they were sent. */
  accepted: Map<string, RunEvent[]>;
  /** When each accepted event got its 202, by event id. */
  acceptedAt: Map<string, number>;
  stats: ClientStats;
  /** Stops sending new events; resolves once each pipeline's event in flight got its 202. */
  stop(): Promise<void>;
}

export interface SteadyStreamOptions {
  /** The collector's base URL; a getter, since it may change. */
  url: () => string;
  pipelines: readonly string[];
  /** Event i of a pipeline, from `firstIndex` on. */
  make: (pipeline: string, i: number) => RunEvent;
  firstIndex: number;
  /** Pause after each accepted event, per pipeline. */
  pauseMs: number;
  /** Longest one attempt may take before it counts as a connection error. */
  attemptTimeoutMs?: number;
  /** Cap on waiting out a Retry-After (a CI system honours it; tests keep it short). */
  maxRetryAfterMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function newClientStats(): ClientStats {
  return { accepted: 0, attempts: 0, connectionErrors: 0, unavailable: 0, unavailableWithRetryAfter: 0, acceptedAt: [], unavailableAt: [] };
}

/**
 * Posts one event the way a CI system would: again after a connection error or a
 * 503 (waiting out Retry-After), until it gets a 202. Anything else is a bug and throws.
 */
export async function postUntilAccepted(
  url: () => string,
  event: RunEvent,
  stats: ClientStats,
  options: { attemptTimeoutMs?: number; maxRetryAfterMs?: number } = {},
): Promise<void> {
  const body = JSON.stringify(event);
  for (;;) {
    stats.attempts++;
    let response: Response;
    try {
      response = await fetch(`${url()}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(options.attemptTimeoutMs ?? 20_000),
      });
    } catch {
      stats.connectionErrors++;
      await sleep(200);
      continue;
    }
    const text = await response.text().catch(() => '');
    if (response.status === 202) {
      const answer = JSON.parse(text) as { accepted: number; rejected: number };
      if (answer.accepted !== 1 || answer.rejected !== 0) throw new Error(`202 without the event: ${text}`);
      stats.accepted++;
      stats.acceptedAt.push(Date.now());
      return;
    }
    if (response.status === 503) {
      stats.unavailable++;
      stats.unavailableAt.push(Date.now());
      const retryAfter = Number(response.headers.get('retry-after'));
      if (Number.isFinite(retryAfter) && retryAfter > 0) stats.unavailableWithRetryAfter++;
      await sleep(Math.min((Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : 1) * 1000, options.maxRetryAfterMs ?? 5_000));
      continue;
    }
    throw new Error(`collector answered ${response.status} to ${event.event_id}: ${text}`);
  }
}

/** One sender per pipeline, each sending its runs in order, one at a time. */
export function startSteadyStream(options: SteadyStreamOptions): SteadyStream {
  const accepted = new Map<string, RunEvent[]>(options.pipelines.map((pipeline) => [pipeline, []]));
  const acceptedAt = new Map<string, number>();
  const stats = newClientStats();
  let stopping = false;
  const failures: unknown[] = [];
  const senders = options.pipelines.map(async (pipeline) => {
    for (let i = options.firstIndex; !stopping; i++) {
      const event = options.make(pipeline, i);
      await postUntilAccepted(options.url, event, stats, options);
      accepted.get(pipeline)!.push(event);
      acceptedAt.set(event.event_id, Date.now());
      await sleep(options.pauseMs);
    }
  });
  const done = Promise.all(
    senders.map((sender) =>
      sender.catch((error: unknown) => {
        // Said at once: the sender is gone, and whatever the test waits for next may never come.
        console.error(`      a sender stopped: ${error instanceof Error ? error.message : String(error)}`);
        failures.push(error);
      }),
    ),
  );
  return {
    accepted,
    acceptedAt,
    stats,
    async stop() {
      stopping = true;
      await done;
      if (failures.length > 0) throw failures[0];
    },
  };
}
