import { Finding } from '@pipewatch/shared';
import { createElasticsearchHttp, type ElasticsearchHttpOptions } from './elasticsearch-http.js';
import { FINDING_FIELDS, findingsSearchBody } from './elasticsearch-query.js';
import { cursorOf } from './finding-order.js';
import type { FindingsReader, PipelineFindings } from './findings-reader.js';

export interface ElasticsearchFindingsReaderOptions extends ElasticsearchHttpOptions {
  /** The alias the alerter writes behind (PIPEWATCH_ES_INDEX_PREFIX, default `pipewatch-findings`). */
  alias: string;
  /** Pipelines the per-pipeline summary covers; default 10,000. */
  maxPipelines?: number;
}

interface Hit {
  _source?: { pipewatch?: { finding?: unknown } };
}

/** The finding stored verbatim in each document (`pipewatch.finding`), validated. */
function findingOf(hit: Hit): Finding | undefined {
  const parsed = Finding.safeParse(hit._source?.pipewatch?.finding);
  return parsed.success ? parsed.data : undefined;
}

function hitsOf(answer: Record<string, unknown>): { hits: Hit[]; total: number } {
  const hits = (answer.hits ?? {}) as { hits?: Hit[]; total?: { value?: number } | number };
  const total = typeof hits.total === 'number' ? hits.total : (hits.total?.value ?? 0);
  return { hits: hits.hits ?? [], total };
}

/** Distributed mode's findings: `_search` on the alias the alerter's Elasticsearch sink writes behind. */
export function createElasticsearchFindingsReader(options: ElasticsearchFindingsReaderOptions): FindingsReader {
  const es = createElasticsearchHttp(options);
  const { alias } = options;
  return {
    async list(query) {
      const { hits, total } = hitsOf(await es.search(alias, findingsSearchBody(query)));
      const findings = hits.flatMap((hit) => findingOf(hit) ?? []);
      const more = hits.length > query.limit;
      const page = findings.slice(0, query.limit);
      return { findings: page, next: more && page.length > 0 ? cursorOf(page.at(-1)!) : null, total };
    },
    async get(findingId) {
      // `_id` is the finding id; the alias spans monthly indices, so search rather than GET.
      const { hits } = hitsOf(await es.search(alias, { size: 1, _source: [FINDING_FIELDS.source], query: { ids: { values: [findingId] } } }));
      return hits[0] ? findingOf(hits[0]) : undefined;
    },
    async byPipeline() {
      const answer = await es.search(alias, {
        size: 0,
        aggs: {
          pipelines: {
            terms: { field: FINDING_FIELDS.pipeline, size: options.maxPipelines ?? 10_000 },
            aggs: { latest: { top_hits: { size: 1, sort: [{ [FINDING_FIELDS.time]: 'desc' }], _source: [FINDING_FIELDS.source] } } },
          },
        },
      });
      const buckets = ((answer.aggregations as { pipelines?: { buckets?: unknown[] } } | undefined)?.pipelines?.buckets ?? []) as {
        key: string;
        doc_count: number;
        latest?: { hits?: { hits?: Hit[] } };
      }[];
      return buckets.flatMap((bucket): PipelineFindings[] => {
        const latest = bucket.latest?.hits?.hits?.[0];
        const finding = latest ? findingOf(latest) : undefined;
        return finding ? [{ pipelineId: bucket.key, count: bucket.doc_count, latest: finding }] : [];
      });
    },
  };
}
