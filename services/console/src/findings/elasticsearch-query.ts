import { admittedSeverities } from './finding-filter.js';
import type { FindingsQuery } from './findings-reader.js';

/** Field names of the findings index template (infra/elasticsearch). */
export const FINDING_FIELDS = {
  time: '@timestamp',
  id: 'pipewatch.finding_id',
  severity: 'pipewatch.severity',
  category: 'rule.category',
  rule: 'rule.id',
  pipeline: 'pipewatch.pipeline.id',
  repository: 'pipewatch.pipeline.repository',
  run: 'pipewatch.run.id',
  source: 'pipewatch.finding',
} as const;

/** Newest first, ties by id: the same order as the file reader, and a total order for search_after. */
export const FINDING_SORT = [{ [FINDING_FIELDS.time]: 'desc' }, { [FINDING_FIELDS.id]: 'desc' }];

/** Our globs (`*` only) as an Elasticsearch wildcard: `?` and `\` are literal for us, so escaped. */
export function globToWildcard(glob: string): string {
  return glob.replace(/[\\?]/g, '\\$&');
}

function match(field: string, pattern: string): Record<string, unknown> {
  return pattern.includes('*') ? { wildcard: { [field]: { value: globToWildcard(pattern) } } } : { term: { [field]: pattern } };
}

/** The bool filter selecting what a query's filters admit. */
export function findingsFilter(query: FindingsQuery): Record<string, unknown>[] {
  const filter: Record<string, unknown>[] = [{ exists: { field: FINDING_FIELDS.id } }];
  const severities = admittedSeverities(query);
  if (severities) filter.push({ terms: { [FINDING_FIELDS.severity]: severities } });
  if (query.categories) filter.push({ terms: { [FINDING_FIELDS.category]: query.categories } });
  if (query.rule) filter.push(match(FINDING_FIELDS.rule, query.rule));
  if (query.pipeline) filter.push(match(FINDING_FIELDS.pipeline, query.pipeline));
  if (query.repository) filter.push(match(FINDING_FIELDS.repository, query.repository));
  if (query.run) filter.push({ term: { [FINDING_FIELDS.run]: query.run } });
  if (query.since || query.until) {
    filter.push({ range: { [FINDING_FIELDS.time]: { ...(query.since ? { gte: query.since } : {}), ...(query.until ? { lt: query.until } : {}) } } });
  }
  return filter;
}

/** One page: one more hit than asked for tells whether another page exists. */
export function findingsSearchBody(query: FindingsQuery): Record<string, unknown> {
  return {
    size: query.limit + 1,
    track_total_hits: true,
    _source: [FINDING_FIELDS.source],
    query: { bool: { filter: findingsFilter(query) } },
    sort: FINDING_SORT,
    ...(query.after ? { search_after: [query.after.at, query.after.id] } : {}),
  };
}
