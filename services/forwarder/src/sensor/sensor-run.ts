import type { SourceWrite } from '@pipewatch/shared';
import type { SensorEvent } from '../trace/sensor-events.js';
import { createSourceWatch, type SourceWatch, type SourceWrite as WatchedWrite } from '../workspace/source-write-watch.js';
import type { TrackedFiles } from '../workspace/tracked-files.js';
import { createSensorAggregate, type AggregateOptions, type SensedAccess, type SensorTotals } from './sensor-aggregate.js';

/** Debounce before a partial observation goes out: groups an exec and its connections, keeps latency low. */
export const PARTIAL_DELAY_MS = 100;

export interface SensorRunOptions extends AggregateOptions {
  /** The repository's tracked files, when the job runs in one: writes to them are watched. */
  tracked?: TrackedFiles;
  /** Called with what is new, at most once per PARTIAL_DELAY_MS, while the job runs. */
  onPartial?: (access: SensedAccess) => void;
  delayMs?: number;
}

export interface SensorRun {
  add(event: SensorEvent): void;
  /** Stops streaming, waits for the tracked-file hashes, and answers everything seen. */
  finish(): Promise<{ access: SensedAccess; totals: SensorTotals }>;
}

/** One traced job: the aggregate, the tracked-file watch and the stream of partial observations. */
export function createSensorRun(options: SensorRunOptions): SensorRun {
  const aggregate = createSensorAggregate(options);
  const delayMs = options.delayMs ?? PARTIAL_DELAY_MS;
  let timer: NodeJS.Timeout | undefined;
  let finished = false;

  const flush = (): void => {
    timer = undefined;
    const fresh = aggregate.takeNew();
    if (fresh && options.onPartial) options.onPartial(fresh);
  };
  const schedule = (): void => {
    if (finished || timer || !options.onPartial) return;
    timer = setTimeout(flush, delayMs);
  };
  const watch: SourceWatch | undefined = options.tracked
    ? createSourceWatch(options.tracked, {
        onChange(write) {
          aggregate.addSourceWrite(toContract(write));
          schedule();
        },
      })
    : undefined;

  return {
    add(event) {
      aggregate.add(event);
      if (event.kind === 'file') watch?.note(event);
      if (event.kind !== 'exit' && event.kind !== 'dns') schedule();
    },
    async finish() {
      if (timer) clearTimeout(timer);
      finished = true;
      for (const write of (await watch?.finish()) ?? []) aggregate.addSourceWrite(toContract(write));
      return { access: aggregate.all(), totals: aggregate.totals() };
    },
  };
}

function toContract(write: WatchedWrite): SourceWrite {
  return {
    path: write.path.slice(0, 1000),
    ...(write.before ? { before: write.before } : {}),
    ...(write.after ? { after: write.after } : {}),
    changed: write.changed,
    restored: write.restored,
    writes: write.writes,
  };
}
