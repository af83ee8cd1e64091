import { errorMessage, type Bus, type ChangelogReader, type Logger } from '@pipewatch/shared';
import { decodeBaseline, encodeBaseline } from '../domain/baseline-codec.js';
import type { PipelineBaseline } from '../domain/baseline.js';
import type { BaselineStore } from './baseline-store-port.js';
import { ownRecordBytes } from './baseline-text.js';
import { EncodedBaselines } from './encoded-baselines.js';

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
 * Records are the encoded baseline's bytes (see baseline-codec.ts); an empty
 * value deletes.
 */
export function createChangelogBaselineStore(options: ChangelogBaselineStoreOptions): BaselineStore {
  let baselines = new EncodedBaselines();
  // One publish per call: a consumed batch's baselines go out together.
  const putMany = async (many: readonly PipelineBaseline[]): Promise<void> => {
    if (many.length === 0) return;
    const encoded = many.map((baseline) => ({ key: baseline.pipeline_id, value: '', bytes: encodeBaseline(baseline) }));
    await options.bus.publish(options.topic, encoded);
    for (const record of encoded) baselines.putEncoded(record.key, record.bytes);
  };
  return {
    get: async (pipelineId) => baselines.get(pipelineId),
    put: (baseline) => putMany([baseline]),
    putMany,
    size: () => baselines.size,
    async restore(partitions) {
      const started = Date.now();
      const restored = new EncodedBaselines();
      let records = 0;
      await options.reader.readToEnd(options.topic, partitions, (message) => {
        records++;
        if (!message.bytes || message.bytes.length === 0) {
          restored.delete(message.key);
          return;
        }
        try {
          // Records of another format version are left out: those pipelines re-learn.
          const bytes = ownRecordBytes(message.bytes);
          if (!bytes) return;
          decodeBaseline(bytes);
          restored.putEncoded(message.key, bytes);
        } catch (error) {
          options.logger.warn('unreadable baseline record skipped', { key: message.key, partition: message.partition, offset: message.offset, error: errorMessage(error) });
        }
      });
      // Only the assigned partitions' baselines stay: others now belong to another detector.
      baselines = restored;
      options.logger.info('baselines restored', { partitions: [...partitions], pipelines: restored.size, records, ms: Date.now() - started });
    },
    close: async () => undefined,
  };
}
