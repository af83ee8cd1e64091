import type { PostResult } from './http-poster.js';

export interface RequestRecord {
  status: number;
  ms: number;
  events: number;
}

export interface LoopOutcome {
  records: RequestRecord[];
  /** Requests that failed without an HTTP answer (reset, timeout). */
  transportErrors: number;
  firstError?: string;
  wallMs: number;
}

export interface ClosedLoopOptions<B> {
  clients: number;
  /** Bodies to send, in order; the loop stops when they run out or time is up. */
  batches: readonly B[];
  maxMs: number;
  send: (batch: B) => Promise<PostResult>;
  eventsIn: (batch: B) => number;
}

/** Each client sends its next request as soon as its previous one was answered: the collector's capacity. */
export async function runClosedLoop<B>(options: ClosedLoopOptions<B>): Promise<LoopOutcome> {
  const records: RequestRecord[] = [];
  let transportErrors = 0;
  let firstError: string | undefined;
  let next = 0;
  const began = performance.now();
  const deadline = began + options.maxMs;
  const client = async (): Promise<void> => {
    while (next < options.batches.length && performance.now() < deadline) {
      const batch = options.batches[next++]!;
      try {
        const result = await options.send(batch);
        records.push({ status: result.status, ms: result.ms, events: options.eventsIn(batch) });
        if (result.status !== 202 && firstError === undefined) firstError = `HTTP ${result.status}: ${result.body.slice(0, 300)}`;
      } catch (error) {
        transportErrors++;
        firstError ??= (error as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: options.clients }, client));
  return { records, transportErrors, ...(firstError ? { firstError } : {}), wallMs: performance.now() - began };
}

export interface PacedLoopOptions<B> {
  clients: number;
  ratePerS: number;
  batchSize: number;
  durationMs: number;
  /** Built when its turn comes, so event times are current. */
  makeBatch: () => B;
  send: (batch: B) => Promise<PostResult>;
  eventsIn: (batch: B) => number;
  onAnswer?: (batch: B, result: PostResult) => void;
}

export interface PacedOutcome extends LoopOutcome {
  /** How late requests left against their schedule: > 0 means the clients were all busy (the collector fell behind). */
  lateMs: number[];
}

/**
 * Open loop with a fixed schedule: batch k is due at k·batchSize/rate. At most
 * `clients` requests are in flight; when all are busy, due batches leave late
 * (recorded), so the achieved rate shows whether the collector kept pace.
 */
export async function runPacedLoop<B>(options: PacedLoopOptions<B>): Promise<PacedOutcome> {
  const intervalMs = (1000 * options.batchSize) / options.ratePerS;
  const total = Math.floor(options.durationMs / intervalMs);
  const records: RequestRecord[] = [];
  const lateMs: number[] = [];
  let transportErrors = 0;
  let firstError: string | undefined;
  let next = 0;
  const began = performance.now();
  // A late phase never runs past twice its length.
  const hardStop = began + 2 * options.durationMs;
  const client = async (): Promise<void> => {
    while (next < total && performance.now() < hardStop) {
      const k = next++;
      const due = began + k * intervalMs;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      lateMs.push(Math.max(0, performance.now() - due));
      const batch = options.makeBatch();
      try {
        const result = await options.send(batch);
        records.push({ status: result.status, ms: result.ms, events: options.eventsIn(batch) });
        if (result.status !== 202 && firstError === undefined) firstError = `HTTP ${result.status}: ${result.body.slice(0, 300)}`;
        options.onAnswer?.(batch, result);
      } catch (error) {
        transportErrors++;
        firstError ??= (error as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: options.clients }, client));
  return { records, lateMs, transportErrors, ...(firstError ? { firstError } : {}), wallMs: performance.now() - began };
}
