import type { Finding, LogBatch, RunEvent } from '@pipewatch/shared';
import type { BaselineStore } from './baseline-store/baseline-store-port.js';
import type { PipelineBaseline } from './domain/baseline.js';
import { detectRun, type Detection } from './domain/detect-run.js';
import { detectLogBatch } from './domain/logs/detect-log-batch.js';
import type { DetectorSettings } from './domain/settings.js';
import { createRepositoryIndex } from './repository-index.js';

export interface RunToJudge {
  event: RunEvent;
  detectedAt: string;
}

export interface JudgedBatch {
  /** One per input run, in input order. */
  detections: Detection[];
  /** Every finding of the batch, in input order. */
  findings: Finding[];
  /** Stores each touched pipeline's final baseline at once; call after the findings are safely published. */
  save(): Promise<void>;
}

export interface JudgedRun {
  detection: Detection;
  /** Stores the updated baseline; call after the findings are safely published. */
  save(): Promise<void>;
}

export interface DetectionEngine {
  /** Judges runs in order (a pipeline's later run sees its earlier ones); nothing is stored until `save`. */
  judgeRuns(runs: readonly RunToJudge[]): Promise<JudgedBatch>;
  judgeRun(event: RunEvent, detectedAt: string): Promise<JudgedRun>;
  judgeLogs(batch: LogBatch, detectedAt: string): Promise<Finding[]>;
}

/**
 * The detector's one path from an input to findings, shared by the live service
 * and `pipewatch replay`, so a replay shows exactly what production would raise.
 */
export function createDetectionEngine(store: BaselineStore, settings: DetectorSettings): DetectionEngine {
  const siblings = createRepositoryIndex(settings);

  async function judgeRuns(runs: readonly RunToJudge[]): Promise<JudgedBatch> {
    // The batch's own view: a pipeline's working baseline, carried from one of its runs to the next.
    const working = new Map<string, PipelineBaseline>();
    const noted = siblings.layer();
    const changed = new Map<string, PipelineBaseline>();
    const detections: Detection[] = [];
    const findings: Finding[] = [];
    for (const { event, detectedAt } of runs) {
      const id = event.pipeline.id;
      // Stores decode a fresh object on every get, so judging changes nothing stored until `save`:
      // a batch whose findings fail to publish is judged afresh on redelivery.
      const current = working.get(id) ?? (await store.get(id));
      const learning = !current || current.runs < settings.minRuns;
      const siblingId = learning ? noted.siblingOf(event.pipeline.repository, id) : undefined;
      const prior = siblingId ? (working.get(siblingId) ?? (await store.get(siblingId))) : undefined;
      const detection = detectRun(current, event, settings, detectedAt, prior ? { prior } : {});
      if (detection.partial) {
        // Judged, not learned: nothing to carry to the next run or to store.
        detections.push(detection);
        for (const finding of detection.findings) findings.push(finding);
        continue;
      }
      working.set(id, detection.baseline);
      if (detection.status !== 'duplicate') {
        changed.set(id, detection.baseline);
        noted.note(detection.baseline);
      }
      detections.push(detection);
      for (const finding of detection.findings) findings.push(finding);
    }
    return {
      detections,
      findings,
      async save() {
        if (changed.size === 0) return;
        await store.putMany([...changed.values()]);
        noted.merge();
      },
    };
  }

  return {
    judgeRuns,
    async judgeRun(event, detectedAt) {
      const { detections, save } = await judgeRuns([{ event, detectedAt }]);
      return { detection: detections[0]!, save };
    },
    async judgeLogs(batch, detectedAt) {
      return detectLogBatch(await store.get(batch.pipeline.id), batch, detectedAt, settings.minRuns);
    },
  };
}
