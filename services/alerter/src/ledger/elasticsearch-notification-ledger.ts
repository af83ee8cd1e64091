import { randomUUID } from 'node:crypto';
import { Finding, PermanentError, RetryableError } from '@pipewatch/shared';
import { ensuredIndex, type EsRest } from '../elasticsearch/es-rest.js';
import { ledgerKey, type NotificationEntry, type NotificationLedger } from './notification-ledger.js';

const MAPPINGS = {
  dynamic: false,
  properties: {
    destination: { type: 'keyword' },
    finding_id: { type: 'keyword' },
    pipeline_id: { type: 'keyword' },
    run_id: { type: 'keyword' },
    state: { type: 'keyword' },
    owner: { type: 'keyword' },
    lease_until: { type: 'date' },
    created_at: { type: 'date' },
    updated_at: { type: 'date' },
    suppression_id: { type: 'keyword' },
    finding: { type: 'object', enabled: false },
  },
};

export interface ElasticsearchLedgerOptions {
  es: EsRest;
  /** e.g. `pipewatch-notifications`. */
  index: string;
  /** How long a claim stays this process's without renewal; default 30 s. */
  leaseMs?: number;
  /** Defaults to a random id per process. */
  owner?: string;
  now?: () => Date;
}

interface BulkItem {
  status: number;
  error?: { type?: string; reason?: string; caused_by?: { reason?: string } };
}

function itemsOf(body: Record<string, unknown>): BulkItem[] {
  const items = (body.items as Record<string, BulkItem>[] | undefined) ?? [];
  return items.map((item) => Object.values(item)[0] ?? { status: 0 });
}

/**
 * The distributed ledger: one document per (destination, finding) in one index,
 * `_id = <destination>:<finding_id>`, written with `create` so only the first
 * alerter to claim a notification gets it (a 409 says someone already has).
 * Claims carry an owner and a lease; the owner renews its leases while it runs,
 * and any alerter takes over pending claims whose lease ran out (a crashed
 * owner), with optimistic concurrency so only one of them wins each.
 */
export function createElasticsearchNotificationLedger(options: ElasticsearchLedgerOptions): NotificationLedger & { owner: string } {
  const { index } = options;
  const { es, ensure } = ensuredIndex(options.es, index, MAPPINGS);
  const leaseMs = options.leaseMs ?? 30_000;
  const owner = options.owner ?? `alerter-${randomUUID()}`;
  const now = options.now ?? (() => new Date());
  const leaseUntil = (): string => new Date(now().getTime() + leaseMs).toISOString();
  const docPath = (id: string, action: string): string => `${encodeURIComponent(index)}/${action}/${encodeURIComponent(id)}`;

  function failIfBad(items: BulkItem[], what: string, accept: number[]): void {
    const bad = items.filter((item) => !(item.status >= 200 && item.status < 300) && !accept.includes(item.status));
    if (bad.length === 0) return;
    const detail = `${bad.length} ${what} refused by ${es.display}: ${bad[0]!.status} ${bad[0]!.error?.reason ?? ''} ${bad[0]!.error?.caused_by?.reason ?? ''}`.trim();
    if (bad.some((item) => item.status === 429 || item.status >= 500 || item.status === 0)) throw new RetryableError('ledger_unavailable', detail);
    throw new PermanentError('ledger_rejected', detail);
  }

  return {
    owner,
    async claim(entries, state, note) {
      if (entries.length === 0) return [];
      await ensure();
      const at = now().toISOString();
      const unique = [...new Map(entries.map((entry) => [ledgerKey(entry.destination, entry.finding.finding_id), entry])).entries()];
      const lines = unique.flatMap(([key, { destination, finding }]) => [
        { create: { _index: index, _id: key } },
        {
          destination,
          finding_id: finding.finding_id,
          pipeline_id: finding.pipeline.id,
          run_id: finding.run.id,
          state,
          owner,
          lease_until: state === 'pending' ? leaseUntil() : undefined,
          created_at: at,
          updated_at: at,
          ...(note?.suppression_id ? { suppression_id: note.suppression_id } : {}),
          ...(state === 'pending' ? { finding } : {}),
        },
      ]);
      const items = itemsOf((await es.bulk(lines)).body);
      failIfBad(items, 'claims', [409]);
      return unique.filter((_, position) => items[position]?.status === 201).map(([, entry]) => entry);
    },
    async takeOver() {
      await ensure();
      const answer = await es.call('POST', `${encodeURIComponent(index)}/_search`, {
        size: 200,
        seq_no_primary_term: true,
        query: { bool: { filter: [{ term: { state: 'pending' } }, { range: { lease_until: { lt: now().toISOString() } } }] } },
      });
      const hits = ((answer.body.hits as { hits?: { _id: string; _seq_no: number; _primary_term: number; _source: Record<string, unknown> }[] })?.hits ?? []);
      const taken: NotificationEntry[] = [];
      for (const hit of hits) {
        const finding = Finding.safeParse(hit._source.finding);
        if (!finding.success || typeof hit._source.destination !== 'string') continue;
        const update = await es.call(
          'POST',
          `${docPath(hit._id, '_update')}?if_seq_no=${hit._seq_no}&if_primary_term=${hit._primary_term}`,
          { doc: { owner, lease_until: leaseUntil(), updated_at: now().toISOString() } },
          [409],
        );
        if (update.status !== 409) taken.push({ destination: hit._source.destination, finding: finding.data });
      }
      return taken;
    },
    async renew() {
      await ensure();
      // Search, then update each hit only if it is unchanged since (optimistic concurrency):
      // a claim another alerter took over meanwhile stays theirs. No scripts, so
      // clusters without painless or update_by_query work too.
      const answer = await es.call('POST', `${encodeURIComponent(index)}/_search`, {
        size: 1000,
        seq_no_primary_term: true,
        _source: false,
        query: { bool: { filter: [{ term: { state: 'pending' } }, { term: { owner } }] } },
      });
      const hits = ((answer.body.hits as { hits?: { _id: string; _seq_no: number; _primary_term: number }[] })?.hits ?? []);
      if (hits.length === 0) return;
      const until = leaseUntil();
      const lines = hits.flatMap((hit) => [
        { update: { _index: index, _id: hit._id, if_seq_no: hit._seq_no, if_primary_term: hit._primary_term } },
        { doc: { lease_until: until } },
      ]);
      failIfBad(itemsOf((await es.bulk(lines)).body), 'lease renewals', [409]);
    },
    async settle(keys, state) {
      if (keys.length === 0) return;
      await ensure();
      const at = now().toISOString();
      const lines = keys.flatMap(({ destination, finding_id }) => [
        { update: { _index: index, _id: ledgerKey(destination, finding_id) } },
        // The finding is dropped once settled: the document only has to remember that it happened.
        { doc: { state, updated_at: at, finding: null, lease_until: null } },
      ]);
      failIfBad(itemsOf((await es.bulk(lines)).body), 'settlements', [404]);
    },
    async close() {},
  };
}
