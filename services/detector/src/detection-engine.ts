import type { Finding, LogBatch, RunEvent } from '@pipewatch/shared';
import type { BaselineStore } from './baseline-store/baseline-store-port.js';
import { detectRun, type Detection } from './domain/detect-run.js';
import { detectLogBatch } from './domain/logs/detect-log-batch.js';
import type { DetectorSettings } from './domain/settings.js';
import { createRepositoryIndex } from './repository-index.js';

export interface JudgedRun {
  detection: Detection;
  /** Stores the updated baseline; call after the findings are safely published. */
  save(): Promise<void>;
}

export interface DetectionEngine {
  judgeRun(event: RunEvent, detectedAt: string): Promise<JudgedRun>;
  judgeLogs(batch: LogBatch, detectedAt: string): Promise<Finding[]>;
}

/**
 * The detector's one path from an input to findings, shared by the live service
 * and `pipewatch replay`, so a replay shows exactly what production would raise.
 */
export function createDetectionEngine(store: BaselineStore, settings: DetectorSettings): DetectionEngine {
  const siblings = createRepositoryIndex(settings);
  return {
    async judgeRun(event, detectedAt) {
      const current = await store.get(event.pipeline.id);
      const learning = !current || current.runs < settings.minRuns;
      const siblingId = learning ? siblings.siblingOf(event.pipeline.repository, event.pipeline.id) : undefined;
      const prior = siblingId ? await store.get(siblingId) : undefined;
      // Detection mutates the baseline; stores decode a fresh copy on each get, so a failed publish leaves the stored one intact.
      const detection = detectRun(current, event, settings, detectedAt, prior ? { prior } : {});
      return {
        detection,
        async save() {
          if (detection.status === 'duplicate') return;
          await store.put(detection.baseline);
          siblings.note(detection.baseline);
        },
      };
    },
    async judgeLogs(batch, detectedAt) {
      return detectLogBatch(await store.get(batch.pipeline.id), batch, detectedAt, settings.minRuns);
    },
  };
}
