import type { CountingReceiver } from './counting-receiver.js';
import { compareIds, storedFindings, type StoredFindings } from './elasticsearch-findings.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface Converged {
  stored: StoredFindings;
  /** Milliseconds until Elasticsearch held every expected id, and until the receiver had them all. */
  storedAfterMs: number;
  deliveredAfterMs: number;
}

/**
 * Waits until Elasticsearch holds every expected finding and the receiver got a
 * webhook for each; then a little longer, so a late duplicate is seen before
 * anything is judged "exactly once". Throws with what is missing on timeout.
 */
export async function awaitConvergence(
  esUrl: string,
  indexPrefix: string,
  receiver: CountingReceiver,
  expected: ReadonlySet<string>,
  timeoutMs: number,
  options: { settleMs?: number; pipelines?: readonly string[] } = {},
): Promise<Converged> {
  const { pipelines } = options;
  const started = Date.now();
  let storedAfterMs: number | undefined;
  let deliveredAfterMs: number | undefined;
  let last: StoredFindings | undefined;
  while (storedAfterMs === undefined || deliveredAfterMs === undefined) {
    if (Date.now() - started > timeoutMs) {
      const missingStored = compareIds(expected, last?.unique ?? []).missing;
      const missingDelivered = compareIds(expected, receiver.uniqueFindingIds(pipelines)).missing;
      throw new Error(
        `not converged after ${timeoutMs} ms: ${missingStored.length} of ${expected.size} findings not in Elasticsearch ` +
          `(e.g. ${missingStored.slice(0, 3).join(', ')}), ${missingDelivered.length} never delivered (e.g. ${missingDelivered.slice(0, 3).join(', ')})`,
      );
    }
    if (storedAfterMs === undefined) {
      last = (await storedFindings(esUrl, indexPrefix, pipelines)) ?? last;
      if (last && compareIds(expected, last.unique).missing.length === 0) storedAfterMs = Date.now() - started;
    }
    if (deliveredAfterMs === undefined && compareIds(expected, receiver.uniqueFindingIds(pipelines)).missing.length === 0) {
      deliveredAfterMs = Date.now() - started;
    }
    await sleep(500);
  }
  await sleep(options.settleMs ?? 3_000);
  const stored = await storedFindings(esUrl, indexPrefix, pipelines);
  if (!stored) throw new Error('Elasticsearch stopped answering');
  return { stored, storedAfterMs, deliveredAfterMs };
}

/** How often each value occurs more than once. */
export function duplicatesOf(values: readonly string[]): number {
  return values.length - new Set(values).size;
}
