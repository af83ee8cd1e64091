// Experiment behind the e2e finding: the detector's pace is set by one awaited Kafka
// produce per run (the baseline changelog write). This replays the detector's loop —
// the real detectRun, the same kafkajs settings — per message and per fetched batch.
// `tsx bench/lib/experiments/detector-batching.ts [--pipelines 1000 --judged 30000]` (KAFKA_BROKERS or a local Kafka)
import { randomBytes } from 'node:crypto';
import { startLocalKafka } from '@pipewatch/infra';
import { DEFAULT_SETTINGS, detectRun, type PipelineBaseline } from '@pipewatch/detector';
import { RunEvent, type Finding } from '@pipewatch/shared';
import { Kafka, Partitioners, logLevel, type EachBatchPayload, type Message, type Producer } from 'kafkajs';
import { positive, readFlags } from '../args.js';
import { describeMachine, machineInfo } from '../machine-info.js';
import { startCpuMeter } from '../process-cpu.js';
import { DEFAULT_MIN_RUNS, syntheticFleet, syntheticRun } from '../run-events.js';
import { RESULTS_DIR } from '../repo-paths.js';
import { formatTable } from '../table.js';
import { writeResult } from '../write-result.js';

const flags = readFlags(process.argv.slice(2), {
  pipelines: { type: 'string', default: '1000' },
  judged: { type: 'string', default: '30000' },
});
const pipelines = Math.round(positive('pipelines', flags.pipelines));
const judged = Math.round(positive('judged', flags.judged));

type Mode = 'per message (as the detector)' | 'per fetched batch, two sends' | 'per fetched batch, one sendBatch';
const MODES: Mode[] = ['per message (as the detector)', 'per fetched batch, two sends', 'per fetched batch, one sendBatch'];

interface Topics {
  runs: string;
  findings: string;
  baselines: string;
}

function judge(baselines: Map<string, PipelineBaseline>, value: string): { findings: Finding[]; baseline: PipelineBaseline } {
  const event = RunEvent.parse(JSON.parse(value));
  const current = baselines.get(event.pipeline.id);
  const detection = detectRun(current ? structuredClone(current) : undefined, event, DEFAULT_SETTINGS, new Date().toISOString());
  return { findings: detection.findings, baseline: detection.baseline };
}

const findingMessage = (finding: Finding): Message => ({ key: finding.pipeline.id, value: JSON.stringify(finding) });
const baselineMessage = (baseline: PipelineBaseline): Message => ({ key: baseline.pipeline_id, value: JSON.stringify(baseline) });

async function consumeAll(kafka: Kafka, topics: Topics, total: number, mode: Mode): Promise<{ perS: number; cores: number | undefined; sends: number }> {
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const consumer = kafka.consumer({ groupId: `bench-batching-${randomBytes(4).toString('hex')}`, maxWaitTimeInMs: 100, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
  await consumer.connect();
  await consumer.subscribe({ topic: topics.runs, fromBeginning: true });
  const baselines = new Map<string, PipelineBaseline>();
  let done = 0;
  let sends = 0;
  let firstAt: number | undefined;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const send = async (topic: string, messages: Message[]): Promise<void> => {
    if (messages.length === 0) return;
    sends++;
    await producer.send({ topic, acks: -1, messages });
  };
  const count = (n: number): void => {
    done += n;
    if (done >= total) finish();
  };
  const cpu = startCpuMeter({ self: 'self' });

  const eachBatch = async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary }: EachBatchPayload): Promise<void> => {
    firstAt ??= performance.now();
    if (mode === 'per message (as the detector)') {
      for (const message of batch.messages) {
        const { findings, baseline } = judge(baselines, message.value!.toString());
        await send(topics.findings, findings.map(findingMessage));
        await send(topics.baselines, [baselineMessage(baseline)]);
        baselines.set(baseline.pipeline_id, baseline);
        resolveOffset(message.offset);
        await commitOffsetsIfNecessary();
        await heartbeat();
        count(1);
      }
      return;
    }
    // Judge the whole batch in order in memory, then write once: findings first, then the
    // latest baseline of each pipeline, then the offsets. A crash replays into the same ids.
    const findings: Finding[] = [];
    const latest = new Map<string, PipelineBaseline>();
    for (const message of batch.messages) {
      const judged = judge(baselines, message.value!.toString());
      findings.push(...judged.findings);
      baselines.set(judged.baseline.pipeline_id, judged.baseline);
      latest.set(judged.baseline.pipeline_id, judged.baseline);
    }
    if (mode === 'per fetched batch, two sends') {
      await send(topics.findings, findings.map(findingMessage));
      await send(topics.baselines, [...latest.values()].map(baselineMessage));
    } else {
      sends++;
      await producer.sendBatch({
        acks: -1,
        topicMessages: [
          ...(findings.length > 0 ? [{ topic: topics.findings, messages: findings.map(findingMessage) }] : []),
          { topic: topics.baselines, messages: [...latest.values()].map(baselineMessage) },
        ],
      });
    }
    const last = batch.messages[batch.messages.length - 1];
    if (last) resolveOffset(last.offset);
    await commitOffsetsIfNecessary();
    await heartbeat();
    count(batch.messages.length);
  };

  await consumer.run({ autoCommit: true, autoCommitInterval: 1_000, autoCommitThreshold: 200, eachBatchAutoResolve: false, partitionsConsumedConcurrently: 4, eachBatch });
  const timeout = setTimeout(finish, 300_000);
  await finished;
  clearTimeout(timeout);
  const perS = done / ((performance.now() - firstAt!) / 1000);
  const cores = cpu.read().self?.cores;
  await consumer.disconnect();
  await producer.disconnect();
  return { perS: Math.round(perS), cores, sends };
}

async function main(): Promise<void> {
  const machine = machineInfo();
  process.stderr.write(`machine: ${describeMachine(machine)}\n`);
  const local = process.env.KAFKA_BROKERS ? undefined : await startLocalKafka();
  const brokers = process.env.KAFKA_BROKERS ?? local!.brokers;
  try {
    const kafka = new Kafka({ clientId: 'bench-batching', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
    const rows: (string | number | undefined)[][] = [];
    const results: unknown[] = [];
    for (const mode of MODES) {
      // A fresh topic set per mode: the same events, consumed from the beginning.
      const id = randomBytes(4).toString('hex');
      const topics: Topics = { runs: `bench-batching-${id}.runs`, findings: `bench-batching-${id}.findings`, baselines: `bench-batching-${id}.baselines` };
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({
        waitForLeaders: true,
        topics: [
          { topic: topics.runs, numPartitions: 6 },
          { topic: topics.findings, numPartitions: 6 },
          { topic: topics.baselines, numPartitions: 6, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
        ],
      });
      await admin.disconnect();
      const fleet = syntheticFleet(pipelines, id);
      const loader = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
      await loader.connect();
      const total = pipelines * DEFAULT_MIN_RUNS + judged;
      for (let start = 0; start < total; start += 2_000) {
        const messages: Message[] = [];
        for (let seq = start; seq < Math.min(total, start + 2_000); seq++) {
          const pipeline = fleet[seq % pipelines]!;
          const anomalous = seq >= pipelines * DEFAULT_MIN_RUNS && seq % 100 === 99;
          messages.push({ key: pipeline.id, value: JSON.stringify(syntheticRun(pipeline, `${id}-${seq}`, anomalous, Date.now())) });
        }
        await loader.send({ topic: topics.runs, messages });
      }
      await loader.disconnect();
      const outcome = await consumeAll(kafka, topics, total, mode);
      process.stderr.write(`${mode}: ${outcome.perS} runs/s, ${outcome.sends} produce calls for ${total} runs\n`);
      rows.push([mode, total, outcome.perS, outcome.sends, outcome.cores]);
      results.push({ mode, runs: total, runs_per_s: outcome.perS, produce_calls: outcome.sends, cores: outcome.cores });
    }
    process.stdout.write(`\n${formatTable(['detector loop', 'runs', 'runs/s', 'produce calls', 'cores'], rows)}\n`);
    writeResult(RESULTS_DIR, 'detector-batching', { benchmark: 'detector-batching', machine, pipelines, results });
  } finally {
    await local?.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 1;
});
