import { LogBatch, RunEvent } from '@pipewatch/shared';
import { createFalseAlarmTally, type FalseAlarmSummary } from '../../test/scenarios/harness/false-alarm-tally.js';
import { createScenarioDetector } from '../../test/scenarios/harness/scenario-detector.js';
import type { ScenarioItem } from '../../test/scenarios/scenario-item.js';

export interface BenignMeasurement extends FalseAlarmSummary {
  /** Items that failed the contract schema (must be 0: the generator writes valid events). */
  invalid: number;
  pipelines: number;
  seconds: number;
}

/** Streams known-benign items through the detector; everything at medium or above is a false alarm. */
export async function measureBenign(items: Iterable<ScenarioItem>): Promise<BenignMeasurement> {
  const started = Date.now();
  const detector = createScenarioDetector();
  const tally = createFalseAlarmTally('medium');
  const pipelines = new Set<string>();
  let invalid = 0;
  for (const item of items) {
    const valid = item.kind === 'run' ? RunEvent.safeParse(item.event).success : LogBatch.safeParse(item.batch).success;
    if (!valid) invalid++;
    if (item.kind === 'run') pipelines.add(item.event.pipeline.id);
    const judged = await detector.judge(item);
    tally.add(item, judged.findings, judged.measured);
  }
  return { ...tally.summary(), invalid, pipelines: pipelines.size, seconds: Math.round((Date.now() - started) / 100) / 10 };
}
