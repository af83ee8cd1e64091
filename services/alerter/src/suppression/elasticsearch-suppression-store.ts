import { ensuredIndex, type EsRest } from '../elasticsearch/es-rest.js';
import { Suppression, newSuppressionId, type NewSuppression } from './suppression.js';
import type { SuppressionStore } from './suppression-store.js';

const MAPPINGS = {
  dynamic: false,
  properties: {
    id: { type: 'keyword' },
    pipeline: { type: 'keyword' },
    rule: { type: 'keyword' },
    subject: { type: 'keyword' },
    until: { type: 'date' },
    created_at: { type: 'date' },
    author: { type: 'keyword' },
    reason: { type: 'text' },
  },
};

/** More than this many suppressions is a configuration problem, not a list to page through. */
const MAX_SUPPRESSIONS = 10_000;

/**
 * Suppressions as documents (`_id` = suppression id) in one index, shared by every
 * alerter and the CLI. Writes use `refresh: wait_for`, so a `suppress list` right
 * after `suppress add` shows the new entry, and alerters see it on their next
 * refresh.
 */
export function createElasticsearchSuppressionStore(options: { es: EsRest; index: string; now?: () => Date }): SuppressionStore {
  const { index } = options;
  const now = options.now ?? (() => new Date());
  const { es, ensure } = ensuredIndex(options.es, index, MAPPINGS);
  const path = (suffix: string): string => `${encodeURIComponent(index)}/${suffix}`;

  return {
    async list() {
      await ensure();
      const answer = await es.call('POST', path('_search'), { size: MAX_SUPPRESSIONS, query: { match_all: {} }, sort: [{ created_at: 'asc' }] });
      const hits = ((answer.body.hits as { hits?: { _source?: unknown }[] } | undefined)?.hits ?? []);
      return hits.flatMap((hit) => {
        const parsed = Suppression.safeParse(hit._source);
        return parsed.success ? [parsed.data] : [];
      });
    },
    async add(input: NewSuppression) {
      await ensure();
      const suppression = Suppression.parse({ ...input, id: newSuppressionId(), created_at: now().toISOString() });
      await es.call('PUT', `${path(`_create/${encodeURIComponent(suppression.id)}`)}?refresh=wait_for`, suppression);
      return suppression;
    },
    async remove(id) {
      await ensure();
      const answer = await es.call('DELETE', `${path(`_doc/${encodeURIComponent(id)}`)}?refresh=wait_for`, undefined, [404]);
      return answer.status !== 404;
    },
  };
}
