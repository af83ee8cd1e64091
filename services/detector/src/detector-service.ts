import {
  FINDING_SCHEMA,
  LogBatch,
  PermanentError,
  RunEvent,
  decodeJson,
  describeIssues,
  type BatchHandler,
  type Bus,
  type Finding,
  type IncomingMessage,
  type RejectedMessage,
  type Logger,
  type Subscription,
  type TopicNames,
} from '@pipewatch/shared';
import type { z } from 'zod';
import type { BaselineStore } from './baseline-store/baseline-store-port.js';
import { createDetectionEngine, type RunToJudge } from './detection-engine.js';
import type { DetectorSettings } from './domain/settings.js';

export interface DetectorDeps {
  bus: Bus;
  topics: TopicNames;
  store: BaselineStore;
  settings: DetectorSettings;
  logger: Logger;
  clock?: () => Date;
  group?: string;
  /** Most run events judged per batch (the bus default unless set; 1 judges and writes per run). */
  maxBatchSize?: number;
}

export interface DetectorCounters {
  judged: number;
  learning: number;
  duplicates: number;
  logBatches: number;
  findings: number;
}

/**
 * Consumes run events and log batches, judges each against its pipeline's
 * baseline and publishes findings. Run events come a fetched batch at a time:
 * all its findings are published in one write, then each touched pipeline's final
 * baseline in one more, then the batch is acknowledged; a crash at any point
 * replays the batch into the same finding ids.
 */
export async function startDetector(deps: DetectorDeps): Promise<{ counters: DetectorCounters; close(): Promise<void> }> {
  const clock = deps.clock ?? (() => new Date());
  const counters: DetectorCounters = { judged: 0, learning: 0, duplicates: 0, logBatches: 0, findings: 0 };
  const engine = createDetectionEngine(deps.store, deps.settings);
  const publish = async (findings: Finding[]): Promise<void> => {
    if (findings.length === 0) return;
    await deps.bus.publish(deps.topics.findings, findings.map(toMessage));
    counters.findings += findings.length;
  };

  const handleRuns: BatchHandler = async (messages) => {
    const rejected: RejectedMessage[] = [];
    const runs: RunToJudge[] = [];
    const detectedAt = clock().toISOString();
    for (const message of messages) {
      try {
        runs.push({ event: validate(RunEvent, message, 'invalid_run_event', 'run event'), detectedAt });
      } catch (error) {
        rejected.push({ message, error });
      }
    }
    const judged = await engine.judgeRuns(runs);
    await publish(judged.findings);
    await judged.save();
    for (const { status } of judged.detections) {
      if (status === 'duplicate') counters.duplicates++;
      else counters[status === 'judged' ? 'judged' : 'learning']++;
    }
    return { rejected };
  };

  const handleLogs = async (message: IncomingMessage): Promise<void> => {
    const batch = validate(LogBatch, message, 'invalid_log_batch', 'log batch');
    await publish(await engine.judgeLogs(batch, clock().toISOString()));
    counters.logBatches++;
  };

  const common = { deadLetterTopic: deps.topics.deadLetter, ...(deps.store.restore ? { onAssign: (partitions: number[]) => deps.store.restore!(partitions) } : {}) };
  const runs: Subscription = await deps.bus.subscribe({ topic: deps.topics.runs, group: deps.group ?? 'pipewatch-detector', batchHandler: handleRuns, ...(deps.maxBatchSize ? { maxBatchSize: deps.maxBatchSize } : {}), ...common });
  // Logs have their own group: their partitions are keyed like runs, but need no baseline restore of their own.
  const logs: Subscription = await deps.bus.subscribe({
    topic: deps.topics.logs,
    group: `${deps.group ?? 'pipewatch-detector'}-logs`,
    handler: handleLogs,
    deadLetterTopic: deps.topics.deadLetter,
  });
  deps.logger.info('detector consuming', { topics: [deps.topics.runs, deps.topics.logs], min_runs: deps.settings.minRuns });
  return {
    counters,
    async close() {
      await logs.close();
      await runs.close();
    },
  };
}

function validate<T>(schema: z.ZodType<T>, message: IncomingMessage, code: string, what: string): T {
  const parsed = schema.safeParse(decodeJson(message));
  if (parsed.success) return parsed.data;
  const paths = describeIssues(parsed.error).map((issue) => `${issue.path}: ${issue.message}`);
  throw new PermanentError(code, `not a valid ${what}: ${paths.slice(0, 5).join('; ')}`);
}

function toMessage(finding: Finding): { key: string; value: string; headers: Record<string, string> } {
  return {
    key: finding.pipeline.id,
    value: JSON.stringify(finding),
    headers: { 'pipewatch-schema': FINDING_SCHEMA, 'pipewatch-finding-id': finding.finding_id },
  };
}
