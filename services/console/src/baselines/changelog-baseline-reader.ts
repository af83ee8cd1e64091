import { errorMessage, type ChangelogReader, type Logger } from '@pipewatch/shared';
import { baselineFromRecord, type PipelineBaseline } from '@pipewatch/detector';
import type { BaselineReader } from './baseline-reader.js';

export interface ChangelogBaselineReaderOptions {
  reader: ChangelogReader;
  /** `<prefix>baselines`, the detectors' compacted changelog. */
  topic: string;
  /** Partitions of the topic (PIPEWATCH_KAFKA_PARTITIONS). */
  partitions: number;
  /** Pause between two reads of the whole changelog; default 15 s. */
  refreshMs?: number;
  logger: Logger;
  now?: () => Date;
}

/**
 * Distributed mode's baselines, read from the changelog the detectors write:
 * every partition to its end, the last record per pipeline winning (an empty
 * value deletes), again every `refreshMs`. Between refreshes the last complete
 * read is served; a failed refresh keeps it and is logged.
 */
export function createChangelogBaselineReader(options: ChangelogBaselineReaderOptions): BaselineReader {
  const refreshMs = options.refreshMs ?? 15_000;
  const now = options.now ?? (() => new Date());
  const partitions = Array.from({ length: options.partitions }, (_, partition) => partition);
  let baselines = new Map<string, PipelineBaseline>();
  let asOf: string | null = null;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  async function refresh(): Promise<void> {
    const read = new Map<string, PipelineBaseline>();
    try {
      await options.reader.readToEnd(options.topic, partitions, (message) => {
        if (!message.bytes || message.bytes.length === 0) {
          read.delete(message.key);
          return;
        }
        try {
          // Records of older format versions give undefined and are left out, as the detector does.
          const baseline = baselineFromRecord(message.bytes);
          if (baseline) read.set(message.key, baseline);
        } catch {
          // unreadable record: the detector skips it too
        }
      });
      baselines = read;
      asOf = now().toISOString();
    } catch (error) {
      options.logger.warn('baselines could not be read from the changelog; serving the last read', { topic: options.topic, error: errorMessage(error) });
    }
    if (!closed) timer = setTimeout(() => (current = refresh()), refreshMs).unref();
  }

  const first = refresh();
  let current = first;
  return {
    async list() {
      await first;
      return [...baselines.values()];
    },
    async get(pipelineId) {
      await first;
      return baselines.get(pipelineId);
    },
    asOf: () => asOf,
    async close() {
      closed = true;
      clearTimeout(timer);
      // A read in flight must end before the caller closes the bus under it.
      await current;
    },
  };
}
