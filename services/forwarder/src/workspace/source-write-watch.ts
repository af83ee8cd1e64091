import { stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import type { FileEvent } from '../trace/sensor-events.js';
import type { TrackedEntry, TrackedFiles } from './tracked-files.js';
import { hashWorktreePath, mapLimit, type WorktreeState } from './worktree-hash.js';

/** What happened to one tracked file during the run (the SUNSPOT signal when `changed`). */
export interface SourceWrite {
  /** Repository-relative path. */
  path: string;
  /** Blob id at start; absent when the tracked file was already missing from the working tree. */
  before?: string;
  /** Blob id at the end; absent when the path holds no file any more (deleted, or now a directory). */
  after?: string;
  /** The content differed from `before` at a confirmed observation or at the end. */
  changed: boolean;
  /** Changed during the run, but equal to `before` at the end: a swap put back. */
  restored: boolean;
  /** File events seen for it (a rename counts for both its source and destination). */
  writes: number;
  /** ms epoch of the first observation that differed. */
  first_changed_at?: number;
  /** Observations that differed but were equal again `settleMs` later (a rewrite caught mid-way, or a very short swap). */
  transient?: number;
  /** The final hash did not complete within the finish bound; `after` is the last one seen. */
  incomplete?: true;
}

export interface SourceWatchOptions {
  /** Tracked paths remembered at most (default 1000); idle unchanged ones are forgotten first. */
  maxPaths?: number;
  /** A differing hash counts as a change once a second hash this much later still differs (default 50 ms). */
  settleMs?: number;
  /** Hashes in flight at once (default 8). */
  concurrency?: number;
  /** Bound for `finish` to wait for pending hashes and for the final ones (default 5 s). */
  finishTimeoutMs?: number;
  /** Called once per path, as soon as it is known changed (also for changes first seen by `finish`). */
  onChange?: (write: SourceWrite) => void;
  /** Called for hashes that failed other than "not there" (EACCES, a file changing under a large read). */
  onError?: (path: string, error: unknown) => void;
  now?: () => number;
}

export interface SourceWatchStats {
  /** Tracked paths currently remembered (≤ maxPaths). */
  remembered: number;
  /** Distinct touched tracked paths left out of the report: over the bound, or forgotten while idle and unchanged. */
  omitted: number;
  hashes: number;
  errors: number;
}

export interface SourceWatch {
  note(event: FileEvent): void;
  finish(): Promise<SourceWrite[]>;
  stats(): SourceWatchStats;
}

interface State {
  tracked: TrackedEntry;
  abs: string;
  writes: number;
  hashing: boolean;
  /** Another event arrived while hashing: hash again once done (the running read may predate it). */
  again: boolean;
  /** A differing observation not yet confirmed. */
  suspect?: { at: number; id: string | undefined };
  confirmTimer?: NodeJS.Timeout;
  changed: boolean;
  firstChangedAt?: number;
  last?: string | undefined;
  observed: boolean;
  transient: number;
}

const idOf = (state: WorktreeState): string | undefined => (state.kind === 'blob' ? state.id : undefined);

/**
 * Watches the sensor's file events for writes to tracked files. Each event on a tracked
 * path starts a hash at once: a swapped source file typically lives only for the seconds
 * of a compile before being put back, so comparing at the end alone would miss it.
 * Events on other paths are resolved by (dev, ino) when they write, to catch a tracked
 * file reached through a symlink or hard link; directory renames touch what they hold.
 */
export function createSourceWatch(tracked: TrackedFiles, options: SourceWatchOptions = {}): SourceWatch {
  const maxPaths = options.maxPaths ?? 1000;
  const settleMs = options.settleMs ?? 50;
  const concurrency = options.concurrency ?? 8;
  const finishTimeoutMs = options.finishTimeoutMs ?? 5000;
  const now = options.now ?? Date.now;
  const states = new Map<string, State>();
  /** Tracked files whose inode changed during the run (rename-over, delete + recreate). */
  const movedIdentities = new Map<string, TrackedEntry>();
  const omittedBits = new Uint8Array(Math.ceil(tracked.count / 8));
  const inFlight = new Set<Promise<unknown>>();
  const waiting: Array<() => void> = [];
  let running = 0;
  let hashes = 0;
  let errors = 0;
  let finished = false;

  const markOmitted = (e: TrackedEntry, omitted: boolean): void => {
    const byte = e.ordinal >> 3;
    const bit = 1 << (e.ordinal & 7);
    omittedBits[byte] = omitted ? (omittedBits[byte] as number) | bit : (omittedBits[byte] as number) & ~bit;
  };

  const rememberIdentity = (key: string, entry: TrackedEntry): void => {
    // Re-inserted to stay newest; a file replaced over and over must not grow this map.
    movedIdentities.delete(key);
    movedIdentities.set(key, entry);
    if (movedIdentities.size > maxPaths * 4) movedIdentities.delete(movedIdentities.keys().next().value as string);
  };

  const track = <T>(promise: Promise<T>): Promise<T> => {
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise)).catch(() => undefined);
    return promise;
  };

  const slot = async (): Promise<void> => {
    if (running < concurrency) {
      running += 1;
      return;
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else running -= 1;
  };

  const hashNow = async (state: State): Promise<{ at: number; id: string | undefined } | undefined> => {
    await slot();
    const at = now();
    try {
      const result = await hashWorktreePath(state.abs, tracked.objectFormat);
      hashes += 1;
      if (result.kind === 'blob') rememberIdentity(`${result.dev}:${result.ino}`, state.tracked);
      return { at, id: idOf(result) };
    } catch (error) {
      errors += 1;
      options.onError?.(state.tracked.path, error);
      return undefined;
    } finally {
      release();
    }
  };

  const snapshot = (state: State, after: string | undefined): SourceWrite => {
    const write: SourceWrite = {
      path: state.tracked.path,
      changed: state.changed,
      restored: state.changed && after === state.tracked.before,
      writes: state.writes,
    };
    if (state.tracked.before !== undefined) write.before = state.tracked.before;
    if (after !== undefined) write.after = after;
    if (state.firstChangedAt !== undefined) write.first_changed_at = state.firstChangedAt;
    if (state.transient > 0) write.transient = state.transient;
    return write;
  };

  const confirm = (state: State, at: number, after: string | undefined): void => {
    if (state.changed) return;
    state.changed = true;
    state.firstChangedAt = at;
    options.onChange?.(snapshot(state, after));
  };

  const clearSuspect = (state: State): void => {
    if (state.confirmTimer) clearTimeout(state.confirmTimer);
    state.confirmTimer = undefined;
    state.suspect = undefined;
  };

  const observe = (state: State, at: number, id: string | undefined): void => {
    state.observed = true;
    state.last = id;
    if (state.changed) return;
    if (id === state.tracked.before) {
      if (state.suspect) {
        state.transient += 1;
        clearSuspect(state);
      }
      return;
    }
    if (!state.suspect) {
      state.suspect = { at, id };
      if (settleMs <= 0) return confirm(state, at, id);
      // Confirm with a second look: a rewrite with identical content read between its
      // truncate and its write differs for an instant, a swap for the length of a build.
      state.confirmTimer = setTimeout(() => {
        state.confirmTimer = undefined;
        schedule(state);
      }, settleMs);
      state.confirmTimer.unref();
    } else if (at - state.suspect.at >= settleMs) {
      confirm(state, state.suspect.at, id);
      clearSuspect(state);
    }
  };

  const schedule = (state: State): void => {
    if (finished) return;
    if (state.hashing) {
      state.again = true;
      return;
    }
    state.hashing = true;
    track(
      (async () => {
        do {
          state.again = false;
          const result = await hashNow(state);
          if (result && !finished) observe(state, result.at, result.id);
        } while (state.again && !finished);
        state.hashing = false;
      })(),
    );
  };

  /** Forgets the oldest idle, unchanged, settled path to make room; false when none qualifies. */
  const evictOne = (): boolean => {
    for (const [key, s] of states) {
      if (!s.hashing && !s.suspect && !s.changed && s.observed) {
        states.delete(key);
        markOmitted(s.tracked, true);
        return true;
      }
    }
    return false;
  };

  const touch = (entry: TrackedEntry): void => {
    let state = states.get(entry.path);
    if (!state) {
      if (states.size >= maxPaths && !evictOne()) {
        markOmitted(entry, true);
        return;
      }
      markOmitted(entry, false);
      state = { tracked: entry, abs: tracked.absolute(entry.path), writes: 0, hashing: false, again: false, changed: false, observed: false, transient: 0 };
      states.set(entry.path, state);
    }
    state.writes += 1;
    schedule(state);
  };

  const touchPath = (absPath: string, allowDirectory: boolean): boolean => {
    const entry = tracked.entry(absPath);
    if (entry) {
      touch(entry);
      return true;
    }
    if (allowDirectory) for (const inside of tracked.under(absPath)) touch(inside);
    return false;
  };

  /** A write to an untracked path (or through a tracked symlink) may land in a tracked file. */
  const touchByIdentity = (absPath: string): void => {
    track(
      stat(absPath).then(
        (s) => {
          if (finished || !s.isFile()) return;
          const key = `${s.dev}:${s.ino}`;
          const entry = movedIdentities.get(key) ?? tracked.byIdentity(s.dev, s.ino);
          if (entry && tracked.absolute(entry.path) !== absPath) touch(entry);
        },
        () => undefined,
      ),
    );
  };

  const inGitDir = (absPath: string): boolean => {
    const rel = tracked.relative(absPath);
    return rel !== undefined && (rel === '.git' || rel.startsWith('.git/'));
  };

  return {
    note(event) {
      if (finished || event.kind !== 'file' || !isAbsolute(event.path) || inGitDir(event.path)) return;
      const structural = event.op === 'rename' || event.op === 'delete';
      const direct = touchPath(event.path, structural);
      // The source of a rename-away is gone from its tracked path.
      if (event.op === 'rename' && event.from && isAbsolute(event.from) && !inGitDir(event.from)) touchPath(event.from, true);
      const entry = direct ? tracked.entry(event.path) : undefined;
      if (!structural && (!direct || entry?.mode === '120000')) touchByIdentity(event.path);
    },

    async finish() {
      const deadline = now() + finishTimeoutMs;
      const remaining = (): number => Math.max(0, deadline - now());
      const within = <T>(promise: Promise<T>): Promise<T | undefined> => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<undefined>((resolve) => {
          timer = setTimeout(() => resolve(undefined), remaining());
        });
        return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
      };
      // Events already noted must be seen through (their stat may add a path) before closing.
      await within(Promise.allSettled([...inFlight]));
      finished = true;
      const list = [...states.values()].sort((a, b) => (a.tracked.path < b.tracked.path ? -1 : a.tracked.path > b.tracked.path ? 1 : 0));
      for (const s of list) if (s.confirmTimer) clearTimeout(s.confirmTimer);
      // The final look replaces the pending confirmation: different at the end is a change either way.
      const finals = new Map<State, { at: number; id: string | undefined } | undefined>();
      await within(mapLimit(list, concurrency, async (s) => finals.set(s, await hashNow(s))));
      return list.map((s) => {
        const final = finals.get(s);
        if (!final) {
          const write = snapshot(s, s.last);
          write.incomplete = true;
          return write;
        }
        if (final.id === s.tracked.before) {
          if (s.suspect && !s.changed) s.transient += 1;
        } else if (!s.changed) {
          confirm(s, s.suspect?.at ?? final.at, final.id);
        }
        s.suspect = undefined;
        return snapshot(s, final.id);
      });
    },

    stats() {
      let omitted = 0;
      for (const byte of omittedBits) for (let b = byte; b; b &= b - 1) omitted += 1;
      return { remembered: states.size, omitted, hashes, errors };
    },
  };
}
