// The detector service itself (startDetector on the Kafka bus, baselines in the changelog
// topic) through a real Kafka: runs/s judged with batches of `--batch` (500, the default)
// against `--batch 1`, which writes findings and the baseline once per run as the detector did.
// `tsx bench/lib/experiments/detector-service-rate.ts [--pipelines 1000 --judged 20000 --batch 500,1]` (KAFKA_BROKERS or a local Kafka)
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { startLocalKafka } from '@pipewatch/infra';
import { DEFAULT_SETTINGS, createChangelogBaselineStore, startDetector } from '@pipewatch/detector';
import { createKafkaBus, silentLogger, topicNames } from '@pipewatch/shared';
import { positive, readFlags } from '../args.js';
import { describeMachine, machineInfo } from '../machine-info.js';
import { startCpuMeter } from '../process-cpu.js';
import { DEFAULT_MIN_RUNS, syntheticFleet, syntheticRun } from '../run-events.js';
import { formatTable } from '../table.js';

const flags = readFlags(process.argv.slice(2), {
  pipelines: { type: 'string', default: '1000' },
  judged: { type: 'string', default: '20000' },
  batch: { type: 'string', default: '500,1' },
});
const pipelines = Math.round(positive('pipelines', flags.pipelines));
const judged = Math.round(positive('judged', flags.judged));
const batchSizes = flags.batch.split(',').map((size) => Math.round(positive('batch', size)));

async function measure(brokers: string[], maxBatchSize: number): Promise<(string | number | undefined)[]> {
  const tag = randomBytes(4).toString('hex');
  const topics = topicNames(`bench-rate-${tag}.`);
  const spec = (name: string, compact = false) => ({ name, partitions: 6, replicationFactor: 1, config: (compact ? { 'cleanup.policy': 'compact' } : {}) as Record<string, string> });
  const bus = await createKafkaBus({
    brokers,
    clientId: `bench-rate-${tag}`,
    logger: silentLogger(),
    topics: [spec(topics.runs), spec(topics.logs), spec(topics.findings), spec(topics.deadLetter), spec(topics.baselines, true)],
  });
  try {
    const fleet = syntheticFleet(pipelines, tag);
    const total = pipelines * DEFAULT_MIN_RUNS + judged;
    for (let start = 0; start < total; start += 2_000) {
      const messages = [];
      for (let seq = start; seq < Math.min(total, start + 2_000); seq++) {
        const pipeline = fleet[seq % pipelines]!;
        const anomalous = seq >= pipelines * DEFAULT_MIN_RUNS && seq % 100 === 99;
        messages.push({ key: pipeline.id, value: JSON.stringify(syntheticRun(pipeline, `${tag}-${seq}`, anomalous, Date.now())) });
      }
      await bus.publish(topics.runs, messages);
    }
    const store = createChangelogBaselineStore({ bus, reader: bus, topic: topics.baselines, logger: silentLogger() });
    const cpu = startCpuMeter({ self: 'self' });
    const started = performance.now();
    const detector = await startDetector({ bus, topics, store, settings: DEFAULT_SETTINGS, logger: silentLogger(), group: `bench-rate-${tag}`, maxBatchSize });
    const done = (): number => detector.counters.judged + detector.counters.learning + detector.counters.duplicates;
    let firstAt: number | undefined;
    const deadline = Date.now() + 600_000;
    while (done() < total && Date.now() < deadline) {
      if (firstAt === undefined && done() > 0) firstAt = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const seconds = (performance.now() - (firstAt ?? started)) / 1000;
    const cores = cpu.read().self?.cores;
    await detector.close();
    const rate = Math.round(done() / seconds);
    process.stderr.write(`batch ${maxBatchSize}: ${done()} runs in ${seconds.toFixed(1)} s = ${rate} runs/s, ${detector.counters.findings} findings\n`);
    return [maxBatchSize, done(), rate, detector.counters.findings, cores === undefined ? undefined : Number(cores.toFixed(2))];
  } finally {
    await bus.close();
  }
}

async function main(): Promise<void> {
  process.stderr.write(`machine: ${describeMachine(machineInfo())}, load average ${loadavg()[0]!.toFixed(1)}\n`);
  const local = process.env.KAFKA_BROKERS ? undefined : await startLocalKafka();
  const brokers = (process.env.KAFKA_BROKERS ?? local!.brokers).split(',');
  try {
    const rows = [];
    for (const size of batchSizes) rows.push(await measure(brokers, size));
    process.stdout.write(`\n${formatTable(['max batch', 'runs', 'runs/s', 'findings', 'cores'], rows)}\nload average ${loadavg()[0]!.toFixed(1)}\n`);
  } finally {
    await local?.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
