/** Every document of every index whose name starts with `prefix`, read with a match_all scroll. */
export async function dumpIndices(esUrl: string, prefix: string): Promise<Map<string, unknown[]>> {
  await fetch(`${esUrl}/${prefix}*/_refresh?ignore_unavailable=true&allow_no_indices=true&expand_wildcards=all`, { method: 'POST' });
  const listing = (await (await fetch(`${esUrl}/_cat/indices/${prefix}*?format=json&expand_wildcards=all`)).json()) as { index: string }[];
  const dumped = new Map<string, unknown[]>();
  for (const { index } of listing.sort((a, b) => a.index.localeCompare(b.index))) {
    const documents: unknown[] = [];
    let page = (await (
      await fetch(`${esUrl}/${encodeURIComponent(index)}/_search?scroll=1m`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ size: 500, query: { match_all: {} } }),
      })
    ).json()) as { _scroll_id?: string; hits: { hits: unknown[] } };
    if (!page.hits) throw new Error(`searching ${index} failed: ${JSON.stringify(page).slice(0, 300)}`);
    while (page.hits.hits.length > 0) {
      documents.push(...page.hits.hits);
      page = (await (
        await fetch(`${esUrl}/_search/scroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ scroll: '1m', scroll_id: page._scroll_id }) })
      ).json()) as { _scroll_id?: string; hits: { hits: unknown[] } };
      if (!page.hits) throw new Error(`scrolling ${index} failed: ${JSON.stringify(page).slice(0, 300)}`);
    }
    if (page._scroll_id) await fetch(`${esUrl}/_search/scroll`, { method: 'DELETE', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ scroll_id: page._scroll_id }) });
    dumped.set(index, documents);
  }
  return dumped;
}
