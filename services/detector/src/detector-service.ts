import {
  FINDING_SCHEMA,
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
import type { BaselineStore } from './baseline-store/baseline-store-port.js';
import { detectRun } from './domain/detect-run.js';
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
  findings: number;
}

/**
 * Consumes run events, judges each against its pipeline's baseline and publishes
 * findings. Order per message: publish findings, then store the baseline, then
 * acknowledge; a crash at any point replays the run into the same finding ids.
 */
export async function startDetector(deps: DetectorDeps): Promise<{ counters: DetectorCounters; close(): Promise<void> }> {
  const clock = deps.clock ?? (() => new Date());
  const counters: DetectorCounters = { judged: 0, learning: 0, duplicates: 0, findings: 0 };

  const handle = async (message: IncomingMessage): Promise<void> => {
    const parsed = RunEvent.safeParse(decodeJson(message));
    if (!parsed.success) {
      const paths = describeIssues(parsed.error).map((issue) => `${issue.path}: ${issue.message}`);
      throw new PermanentError('invalid_run_event', `not a valid run event: ${paths.slice(0, 5).join('; ')}`);
    }
    const event = parsed.data;
    const current = await deps.store.get(event.pipeline.id);
    // Detection mutates the baseline; work on a copy so a failed publish leaves the stored one intact.
    const working = current ? structuredClone(current) : undefined;
    const detection = detectRun(working, event, deps.settings, clock().toISOString());
    if (detection.status === 'duplicate') {
      counters.duplicates++;
      return;
    }
    if (detection.findings.length > 0) {
      await deps.bus.publish(deps.topics.findings, detection.findings.map((finding) => toMessage(finding)));
    }
    await deps.store.put(detection.baseline);
    counters[detection.status === 'judged' ? 'judged' : 'learning']++;
    counters.findings += detection.findings.length;
  };

  const subscription: Subscription = await deps.bus.subscribe({
    topic: deps.topics.runs,
    group: deps.group ?? 'pipewatch-detector',
    deadLetterTopic: deps.topics.deadLetter,
    handler: handle,
    ...(deps.store.restore ? { onAssign: (partitions: number[]) => deps.store.restore!(partitions) } : {}),
  });
  deps.logger.info('detector consuming', { topic: deps.topics.runs, min_runs: deps.settings.minRuns });
  return { counters, close: () => subscription.close() };
}

function toMessage(finding: Finding): { key: string; value: string; headers: Record<string, string> } {
  return {
    key: finding.pipeline.id,
    value: JSON.stringify(finding),
    headers: { 'pipewatch-schema': FINDING_SCHEMA, 'pipewatch-finding-id': finding.finding_id },
  };
}
