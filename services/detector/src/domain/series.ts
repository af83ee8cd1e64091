import { RESOURCE_FIELDS, type ResourceField, type RunEvent } from '@pipewatch/shared';

export interface SeriesSpec {
  label: string;
  unit: string;
  /** Smallest spread worth judging in: below it, variation is noise whatever the MAD says. */
  absoluteFloor: number;
  /** Short rule id segment: `resource.<slug>.high`. */
  slug: string;
}

const RESOURCE_SPECS: Record<ResourceField, SeriesSpec> = {
  duration_s: { label: 'Job duration', unit: 's', absoluteFloor: 5, slug: 'duration' },
  queue_s: { label: 'Queue time', unit: 's', absoluteFloor: 30, slug: 'queue' },
  cpu_s: { label: 'CPU time', unit: 's', absoluteFloor: 5, slug: 'cpu' },
  max_rss_mb: { label: 'Peak memory', unit: 'MB', absoluteFloor: 64, slug: 'memory' },
  net_tx_bytes: { label: 'Bytes sent', unit: 'bytes', absoluteFloor: 1024 * 1024, slug: 'net_tx' },
  net_rx_bytes: { label: 'Bytes received', unit: 'bytes', absoluteFloor: 16 * 1024 * 1024, slug: 'net_rx' },
  disk_write_bytes: { label: 'Disk writes', unit: 'bytes', absoluteFloor: 16 * 1024 * 1024, slug: 'disk_write' },
  process_count: { label: 'Processes started', unit: '', absoluteFloor: 5, slug: 'process_count' },
};

/** Series move this much relative to their median before the spread counts at all. */
export const RELATIVE_FLOOR = 0.1;

/** Metrics beyond this many per pipeline are ignored, so one noisy emitter cannot grow state forever. */
export const MAX_METRICS = 32;

/** Built once: the same key strings every run, rather than new ones for every lookup in the baseline. */
const RESOURCE_KEYS = RESOURCE_FIELDS.map((field) => [field, `resources.${field}`] as const);

/** The numeric series a run carries, keyed as the baseline stores them. */
export function seriesOf(event: RunEvent): Map<string, number> {
  const out = new Map<string, number>();
  for (const [field, key] of RESOURCE_KEYS) {
    const value = event.resources?.[field];
    if (value !== undefined) out.set(key, value);
  }
  for (const [name, value] of Object.entries(event.metrics ?? {})) out.set(`metrics.${name}`, value);
  return out;
}

export function specFor(key: string): SeriesSpec {
  if (key.startsWith('resources.')) return RESOURCE_SPECS[key.slice('resources.'.length) as ResourceField];
  const name = key.slice('metrics.'.length);
  return { label: `Metric ${name}`, unit: '', absoluteFloor: 1, slug: 'metric' };
}
