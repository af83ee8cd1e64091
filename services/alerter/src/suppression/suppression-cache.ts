import { errorMessage, type Finding, type Logger } from '@pipewatch/shared';
import { findSuppression, type Suppression } from './suppression.js';
import type { SuppressionStore } from './suppression-store.js';

export interface SuppressionCheck {
  /** The active suppression silencing this finding, if any. */
  suppressionFor(finding: Finding): Promise<Suppression | undefined>;
}

/**
 * Reads the store at most every `refreshMs`, so `pipewatch suppress add` in another
 * process takes effect within that time (plus one read) without a read per finding. When a
 * refresh fails the last good list is kept (and the failure logged): an unreachable
 * store must not stop alerts.
 */
export function createSuppressionCache(options: { store: SuppressionStore; refreshMs: number; logger: Logger; now?: () => Date }): SuppressionCheck {
  const now = options.now ?? (() => new Date());
  let cached: Suppression[] = [];
  let loadedAt = Number.NEGATIVE_INFINITY;
  let loading: Promise<void> | undefined;

  async function refresh(): Promise<void> {
    try {
      cached = await options.store.list();
    } catch (error) {
      options.logger.warn('suppressions could not be read; using the last list', { error: errorMessage(error), known: cached.length });
    }
    loadedAt = Date.now();
  }

  return {
    async suppressionFor(finding) {
      if (Date.now() - loadedAt >= options.refreshMs) {
        const first = loadedAt === Number.NEGATIVE_INFINITY;
        loading ??= refresh().finally(() => (loading = undefined));
        // Only the first finding waits for the store; later ones are judged by the list
        // in hand while it is read again, so no finding waits on that read.
        if (first) await loading;
      }
      return findSuppression(cached, finding, now());
    },
  };
}
