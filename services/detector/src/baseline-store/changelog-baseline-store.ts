import type { Bus, ChangelogReader, Logger } from '@pipewatch/shared';
import { isCurrentBaseline, type PipelineBaseline } from '../domain/baseline.js';
import type { BaselineStore } from './baseline-store-port.js';

export interface ChangelogBaselineStoreOptions {
  bus: Bus;
  reader: ChangelogReader;
  /** Compacted topic keyed by pipeline id, with as many partitions as the runs topic. */
  topic: string;
  logger: Logger;
}

/**
 * Baselines for distributed mode. Every put is written to a compacted changelog
 * topic keyed like the runs, so a pipeline's baseline sits in the same partition
 * number as its runs; when a detector is given partitions it reloads exactly
 * those, and the baseline follows its partition from one detector to the next.
 */
export function createChangelogBaselineStore(options: ChangelogBaselineStoreOptions): BaselineStore {
  let baselines = new Map<string, PipelineBaseline>();
  return {
    get: async (pipelineId) => baselines.get(pipelineId),
    async put(baseline) {
      await options.bus.publish(options.topic, [{ key: baseline.pipeline_id, value: JSON.stringify(baseline) }]);
      baselines.set(baseline.pipeline_id, baseline);
    },
    async putMany(many) {
      if (many.length === 0) return;
      await options.bus.publish(options.topic, many.map((baseline) => ({ key: baseline.pipeline_id, value: JSON.stringify(baseline) })));
      for (const baseline of many) baselines.set(baseline.pipeline_id, baseline);
    },
    size: () => baselines.size,
    async restore(partitions) {
      const started = Date.now();
      const restored = new Map<string, PipelineBaseline>();
      let records = 0;
      await options.reader.readToEnd(options.topic, partitions, (message) => {
        records++;
        if (message.value === '') {
          restored.delete(message.key);
          return;
        }
        try {
          const baseline: unknown = JSON.parse(message.value);
          if (isCurrentBaseline(baseline)) restored.set(message.key, baseline);
        } catch {
          options.logger.warn('unreadable baseline record skipped', { key: message.key, partition: message.partition, offset: message.offset });
        }
      });
      // Only the assigned partitions' baselines stay: others now belong to another detector.
      baselines = restored;
      options.logger.info('baselines restored', { partitions: [...partitions], pipelines: restored.size, records, ms: Date.now() - started });
    },
    close: async () => undefined,
  };
}
