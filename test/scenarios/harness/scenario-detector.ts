import * as detector from '@pipewatch/detector';
import { DEFAULT_SETTINGS, detectRun, type Detection, type DetectorSettings, type PipelineBaseline } from '@pipewatch/detector';
import { redactLines, type Finding, type LogBatch, type RunEvent } from '@pipewatch/shared';
import type { ScenarioItem } from '../scenario-item.js';

export type LogJudge = (baseline: PipelineBaseline | undefined, batch: LogBatch, detectedAt: string) => Finding[];

/** The part of the detector's DetectionEngine the harness drives (structural, so older builds still compile). */
interface EngineLike {
  judgeRun(event: RunEvent, detectedAt: string): Promise<{ detection: Detection; save(): Promise<void> }>;
  judgeLogs(batch: LogBatch, detectedAt: string): Promise<Finding[]>;
}

interface DetectorExports {
  detectLogBatch?: LogJudge;
  createDetectionEngine?: (store: unknown, settings: DetectorSettings) => EngineLike;
  createInMemoryBaselineStore?: () => unknown;
}

const exported = detector as unknown as DetectorExports;

/** The log-content entry point, when this build of the detector has one. */
export function findLogJudge(): LogJudge | undefined {
  return typeof exported.detectLogBatch === 'function' ? exported.detectLogBatch : undefined;
}

export interface Judged {
  findings: Finding[];
  /** False for a log batch when the detector has no log rules yet. */
  measured: boolean;
  status?: Detection['status'];
}

export interface ScenarioDetector {
  judge(item: ScenarioItem): Promise<Judged>;
  readonly logsMeasurable: boolean;
  /** Which path judged: the detector's own engine (as the service and replay use) or the harness's mirror of it. */
  readonly path: 'detection-engine' | 'detect-run';
}

export interface ScenarioDetectorOptions {
  settings?: DetectorSettings;
  /** Pretend the detector has no log rules (to measure run rules alone). */
  withoutLogs?: boolean;
  /** Judge log lines as they were sent, not as the collector forwards them (redacted). */
  unredacted?: boolean;
}

/**
 * Feeds scenario items to the detector the way production does: run events
 * through the detection engine (baselines, repository priors), log batches,
 * redacted as the collector would, through the log rules against the
 * pipeline's current baseline. Each finding's
 * time is its item's, so results never depend on the clock.
 */
export function createScenarioDetector(options: ScenarioDetectorOptions = {}): ScenarioDetector {
  const settings = options.settings ?? DEFAULT_SETTINGS;
  const logJudge = options.withoutLogs ? undefined : findLogJudge();
  const engine = exported.createDetectionEngine && exported.createInMemoryBaselineStore
    ? exported.createDetectionEngine(exported.createInMemoryBaselineStore(), settings)
    : mirrorEngine(settings, logJudge);
  return {
    logsMeasurable: logJudge !== undefined,
    path: exported.createDetectionEngine ? 'detection-engine' : 'detect-run',
    async judge(item) {
      const at = new Date(item.at).toISOString();
      if (item.kind === 'log') {
        if (!logJudge) return { findings: [], measured: false };
        return { findings: await engine.judgeLogs(options.unredacted ? item.batch : redacted(item.batch), at), measured: true };
      }
      const judged = await engine.judgeRun(item.event, item.event.occurred_at);
      await judged.save();
      return { findings: judged.detection.findings, measured: true, status: judged.detection.status };
    },
  };
}

/** What the detector receives in production: the collector masks secrets in every line before publishing. */
function redacted(batch: LogBatch): LogBatch {
  const { lines } = redactLines(batch.lines.map((line) => line.text));
  return { ...batch, lines: batch.lines.map((line, index) => ({ ...line, text: lines[index]! })) };
}

/**
 * For detector builds without a DetectionEngine: the same steps (baseline per
 * pipeline, a judged sibling of the same repository as prior while learning).
 */
function mirrorEngine(settings: DetectorSettings, logJudge: LogJudge | undefined): EngineLike {
  const baselines = new Map<string, PipelineBaseline>();
  const judgedSibling = new Map<string, string>();
  return {
    async judgeRun(event, detectedAt) {
      const current = baselines.get(event.pipeline.id);
      const learning = !current || current.runs < settings.minRuns;
      const repository = event.pipeline.repository;
      const siblingId = learning && repository ? judgedSibling.get(repository) : undefined;
      const prior = siblingId && siblingId !== event.pipeline.id ? baselines.get(siblingId) : undefined;
      const detection = detectRun(current, event, settings, detectedAt, prior ? { prior } : {});
      return {
        detection,
        async save() {
          baselines.set(event.pipeline.id, detection.baseline);
          if (repository && detection.baseline.runs >= settings.minRuns) judgedSibling.set(repository, event.pipeline.id);
        },
      };
    },
    async judgeLogs(batch, detectedAt) {
      return logJudge ? logJudge(baselines.get(batch.pipeline.id), batch, detectedAt) : [];
    },
  };
}
