import type { NotificationLedger, SettledKey } from './notification-ledger.js';

type State = 'sent' | 'dead';

export interface SettleBatcher {
  /** Resolves when the ledger recorded these keys (in one write with whatever else was waiting). */
  settle(keys: SettledKey[], state: State): Promise<void>;
  /** Resolves once every settle handed in so far was written (or failed). */
  drain(): Promise<void>;
}

interface Waiting {
  keys: SettledKey[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Settles that arrive while one is being written wait and then go together: one
 * ledger write per state instead of one per notification. Sending does not wait
 * for it (a delivered notification whose settle is late or lost is at worst sent
 * once more after a restart, which receivers dedupe), so a destination's queue
 * moves at the pace of its receiver, not of the ledger.
 */
export function createSettleBatcher(ledger: Pick<NotificationLedger, 'settle'>): SettleBatcher {
  const queued: Record<State, Waiting[]> = { sent: [], dead: [] };
  let writing: Promise<void> | undefined;

  async function writeAll(): Promise<void> {
    while (queued.sent.length > 0 || queued.dead.length > 0) {
      for (const state of ['sent', 'dead'] as const) {
        const round = queued[state];
        if (round.length === 0) continue;
        queued[state] = [];
        try {
          await ledger.settle(
            round.flatMap((entry) => entry.keys),
            state,
          );
          for (const entry of round) entry.resolve();
        } catch (error) {
          for (const entry of round) entry.reject(error);
        }
      }
    }
  }

  function start(): void {
    if (writing) return;
    writing = writeAll().finally(() => {
      writing = undefined;
    });
  }

  return {
    settle(keys, state) {
      if (keys.length === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        queued[state].push({ keys, resolve, reject });
        // Started on the next turn, so settles made in the same turn share the write.
        queueMicrotask(start);
      });
    },
    async drain() {
      start();
      while (writing) await writing;
    },
  };
}
