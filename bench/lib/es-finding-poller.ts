export interface SearchableFinding {
  findingId: string;
  eventIds: string[];
  detectedAt: string;
  /** performance.now() when the search that first returned it had answered. */
  seenAt: number;
}

export interface FindingPoller {
  /** Starts watching for findings caused by these events. */
  watch(eventIds: Iterable<string>): void;
  pending(): number;
  stats(): { searches: number; failures: number; mean_search_ms: number };
  stop(): Promise<void>;
}

export interface FindingPollerOptions {
  url: string;
  /** Index pattern, e.g. `<prefix>-*`. */
  index: string;
  intervalMs: number;
  onSearchable: (finding: SearchableFinding) => void;
  /** Ids per search; the oldest pending go first. */
  maxIdsPerSearch?: number;
}

interface SearchHit {
  _id: string;
  _source?: { '@timestamp'?: string; pipewatch?: { event_ids?: string[] } };
}

/**
 * Polls `_search` (no refresh forced: what a person querying Kibana would see)
 * for the findings of watched events. A finding counts as searchable at the end
 * of the first search that returns it, so the figure is late by at most one
 * interval plus one search.
 */
export function startFindingPoller(options: FindingPollerOptions): FindingPoller {
  const waiting = new Set<string>();
  const maxIds = options.maxIdsPerSearch ?? 2_000;
  let searches = 0;
  let failures = 0;
  let searchMs = 0;
  let stopped = false;

  async function searchOnce(): Promise<void> {
    if (waiting.size === 0) return;
    const ids = [...waiting].slice(0, maxIds);
    const began = performance.now();
    const response = await fetch(`${options.url}/${options.index}/_search?ignore_unavailable=true&allow_no_indices=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        size: ids.length * 2,
        _source: ['@timestamp', 'pipewatch.event_ids'],
        query: { terms: { 'pipewatch.event_ids': ids } },
      }),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await response.json()) as { hits?: { hits: SearchHit[] } };
    const seenAt = performance.now();
    searches++;
    searchMs += seenAt - began;
    if (!response.ok) {
      failures++;
      return;
    }
    for (const hit of body.hits?.hits ?? []) {
      const eventIds = hit._source?.pipewatch?.event_ids ?? [];
      if (!eventIds.some((id) => waiting.has(id))) continue;
      for (const id of eventIds) waiting.delete(id);
      options.onSearchable({ findingId: hit._id, eventIds, detectedAt: hit._source?.['@timestamp'] ?? '', seenAt });
    }
  }

  const loop = (async () => {
    while (!stopped) {
      const began = performance.now();
      await searchOnce().catch(() => failures++);
      const wait = options.intervalMs - (performance.now() - began);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  })();

  return {
    watch(eventIds) {
      for (const id of eventIds) waiting.add(id);
    },
    pending: () => waiting.size,
    stats: () => ({ searches, failures, mean_search_ms: searches === 0 ? 0 : Number((searchMs / searches).toFixed(1)) }),
    async stop() {
      stopped = true;
      await loop;
    },
  };
}
