import {
  FINDING_SCHEMA,
  LogBatch,
  PermanentError,
  RunEvent,
  decodeJson,
  describeIssues,
  type Bus,
  type Finding,
  type IncomingMessage,
  type Logger,
  type Subscription,
  type TopicNames,
} from '@pipewatch/shared';
import type { z } from 'zod';
import type { BaselineStore } from './baseline-store/baseline-store-port.js';
import { createDetectionEngine } from './detection-engine.js';
import type { DetectorSettings } from './domain/settings.js';

export interface DetectorDeps {
  bus: Bus;
  topics: TopicNames;
  store: BaselineStore;
  settings: DetectorSettings;
  logger: Logger;
  clock?: () => Date;
  group?: string;
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
 * baseline and publishes findings. Order per run: publish findings, then store
 * the baseline, then acknowledge; a crash at any point replays the run into the
 * same finding ids.
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

  const handleRun = async (message: IncomingMessage): Promise<void> => {
    const event = validate(RunEvent, message, 'invalid_run_event', 'run event');
    const { detection, save } = await engine.judgeRun(event, clock().toISOString());
    if (detection.status === 'duplicate') {
      counters.duplicates++;
      return;
    }
    await publish(detection.findings);
    await save();
    counters[detection.status === 'judged' ? 'judged' : 'learning']++;
  };

  const handleLogs = async (message: IncomingMessage): Promise<void> => {
    const batch = validate(LogBatch, message, 'invalid_log_batch', 'log batch');
    await publish(await engine.judgeLogs(batch, clock().toISOString()));
    counters.logBatches++;
  };

  const common = { deadLetterTopic: deps.topics.deadLetter, ...(deps.store.restore ? { onAssign: (partitions: number[]) => deps.store.restore!(partitions) } : {}) };
  const runs: Subscription = await deps.bus.subscribe({ topic: deps.topics.runs, group: deps.group ?? 'pipewatch-detector', handler: handleRun, ...common });
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
