export interface StoredFindings {
  /** Every finding document's _id across the findings indices; an id twice means a duplicate. */
  ids: string[];
  unique: Set<string>;
}

/** The finding documents of one deployment (of some pipelines only), or undefined while Elasticsearch does not answer. */
export async function storedFindings(esUrl: string, indexPrefix: string, pipelines?: readonly string[]): Promise<StoredFindings | undefined> {
  const query = pipelines
    ? { bool: { filter: [{ term: { 'event.kind': 'alert' } }, { terms: { 'pipewatch.pipeline.id': [...pipelines] } }] } }
    : { term: { 'event.kind': 'alert' } };
  const pattern = `${indexPrefix}-*`;
  try {
    const refresh = await fetch(`${esUrl}/${pattern}/_refresh?ignore_unavailable=true&allow_no_indices=true`, {
      method: 'POST',
      signal: AbortSignal.timeout(10_000),
    });
    if (!refresh.ok) return undefined;
    const response = await fetch(`${esUrl}/${pattern}/_search?ignore_unavailable=true&allow_no_indices=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      // 10,000 is the default result window; the suites stay well under it.
      body: JSON.stringify({ size: 10_000, _source: false, track_total_hits: true, query }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) return undefined;
    const body = (await response.json()) as { hits: { total: { value: number }; hits: { _id: string }[] } };
    if (body.hits.total.value > body.hits.hits.length) throw new Error(`more than ${body.hits.hits.length} findings stored: raise the window`);
    const ids = body.hits.hits.map((hit) => hit._id);
    return { ids, unique: new Set(ids) };
  } catch (error) {
    if (error instanceof Error && error.message.includes('raise the window')) throw error;
    return undefined;
  }
}

/** Ids in `expected` that `stored` lacks, and ids stored that nobody expected. */
export function compareIds(expected: Iterable<string>, stored: Iterable<string>): { missing: string[]; unexpected: string[] } {
  const want = new Set(expected);
  const have = new Set(stored);
  return { missing: [...want].filter((id) => !have.has(id)), unexpected: [...have].filter((id) => !want.has(id)) };
}
