import assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, detectRun, type PipelineBaseline } from '@pipewatch/detector';
import { RunEvent } from '@pipewatch/shared';
import { DEFAULT_MIN_RUNS, syntheticFleet, syntheticRun } from '../run-events.js';

describe('bench synthetic run events', () => {
  it('are valid run events, and a trained detector finds nothing in ordinary runs and exactly one duration finding per anomalous run', () => {
    const fleet = syntheticFleet(20, 'test');
    const baselines = new Map<string, PipelineBaseline>();
    const findingsOf = (anomalous: boolean, seq: number): string[] => {
      const pipeline = fleet[seq % fleet.length]!;
      const event = syntheticRun(pipeline, `test-${seq}`, anomalous, Date.UTC(2026, 10, 1) + seq * 60_000);
      assert.ok(RunEvent.safeParse(event).success, `event ${seq} matches the contract`);
      const detection = detectRun(baselines.get(pipeline.id), event, DEFAULT_SETTINGS, event.occurred_at);
      baselines.set(pipeline.id, detection.baseline);
      return detection.findings.map((finding) => `${finding.rule.id}/${finding.severity}`);
    };
    let seq = 0;
    for (let round = 0; round < DEFAULT_MIN_RUNS; round++) for (let i = 0; i < fleet.length; i++) assert.deepEqual(findingsOf(false, seq++), []);
    for (let i = 0; i < 400; i++) {
      const anomalous = i % 10 === 3;
      assert.deepEqual(findingsOf(anomalous, seq++), anomalous ? ['resource.duration.high/high'] : [], `run ${i}`);
    }
  });
});
