// Experiment behind the ingest/e2e findings: how kafkajs producer settings and call
// patterns change publish throughput on this machine, using the collector's and the
// detector's publish patterns against a real broker.
// `tsx bench/lib/experiments/producer-variants.ts [--seconds 8]` (KAFKA_BROKERS or a local Kafka)
import { randomBytes } from 'node:crypto';
import { startLocalKafka } from '@pipewatch/infra';
import { CompressionTypes, Kafka, logLevel, type Message, type Producer, type ProducerConfig } from 'kafkajs';
import { positive, readFlags } from '../args.js';
import { machineInfo, describeMachine } from '../machine-info.js';
import { startCpuMeter } from '../process-cpu.js';
import { syntheticFleet, syntheticRun } from '../run-events.js';
import { formatTable } from '../table.js';
import { RESULTS_DIR } from '../repo-paths.js';
import { writeResult } from '../write-result.js';

const flags = readFlags(process.argv.slice(2), { seconds: { type: 'string', default: '8' } });
const seconds = positive('seconds', flags.seconds);

type Send = (messages: Message[]) => Promise<void>;

/** Callers that publish concurrently while a send is in flight share the next send: one Produce request for all. */
function coalescing(producer: Producer, topic: string, compression?: CompressionTypes): Send {
  let queued: { messages: Message[]; resolve: () => void; reject: (error: unknown) => void }[] = [];
  let sending = false;
  const flush = async (): Promise<void> => {
    sending = true;
    while (queued.length > 0) {
      const round = queued;
      queued = [];
      try {
        await producer.send({ topic, acks: -1, messages: round.flatMap((entry) => entry.messages), ...(compression ? { compression } : {}) });
        for (const entry of round) entry.resolve();
      } catch (error) {
        for (const entry of round) entry.reject(error);
      }
    }
    sending = false;
  };
  return (messages) =>
    new Promise<void>((resolve, reject) => {
      queued.push({ messages, resolve, reject });
      if (!sending) void flush();
    });
}

interface Variant {
  name: string;
  producer: ProducerConfig;
  coalesce: boolean;
  compression?: CompressionTypes;
}

const VARIANTS: Variant[] = [
  { name: 'as the adapter: idempotent, 1 in flight, one send per call', producer: { idempotent: true, maxInFlightRequests: 1 }, coalesce: false },
  { name: 'idempotent, 1 in flight, concurrent calls coalesced', producer: { idempotent: true, maxInFlightRequests: 1 }, coalesce: true },
  { name: 'idempotent, 1 in flight, one send per call, gzip', producer: { idempotent: true, maxInFlightRequests: 1 }, coalesce: false, compression: CompressionTypes.GZIP },
  { name: 'idempotent, 1 in flight, coalesced, gzip', producer: { idempotent: true, maxInFlightRequests: 1 }, coalesce: true, compression: CompressionTypes.GZIP },
  { name: 'not idempotent, 5 in flight, one send per call', producer: { idempotent: false, maxInFlightRequests: 5 }, coalesce: false },
  { name: 'not idempotent, 5 in flight, one send per call, gzip', producer: { idempotent: false, maxInFlightRequests: 5 }, coalesce: false, compression: CompressionTypes.GZIP },
];

interface Pattern {
  name: string;
  callers: number;
  perCall: number;
}

const PATTERNS: Pattern[] = [
  { name: 'collector: 8 requests in flight × 250 events', callers: 8, perCall: 250 },
  { name: 'detector: 4 partitions in flight × 1 record, awaited', callers: 4, perCall: 1 },
];

async function measure(kafka: Kafka, variant: Variant, pattern: Pattern, messages: Message[]): Promise<{ perS: number; sendMs: number; cores: number | undefined }> {
  const topic = `bench-variants-${randomBytes(4).toString('hex')}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 6, replicationFactor: 1 }] });
  await admin.disconnect();
  const producer = kafka.producer(variant.producer);
  await producer.connect();
  const send: Send = variant.coalesce
    ? coalescing(producer, topic, variant.compression)
    : async (batch) => void (await producer.send({ topic, acks: -1, messages: batch, ...(variant.compression ? { compression: variant.compression } : {}) }));
  await send(messages.slice(0, 10));
  let sent = 0;
  let calls = 0;
  let callMs = 0;
  let next = 0;
  const cpu = startCpuMeter({ self: 'self' });
  const began = performance.now();
  const deadline = began + seconds * 1000;
  await Promise.all(
    Array.from({ length: pattern.callers }, async () => {
      while (performance.now() < deadline) {
        const start = next % messages.length;
        next += pattern.perCall;
        const batch = messages.slice(start, start + pattern.perCall);
        const t = performance.now();
        await send(batch);
        callMs += performance.now() - t;
        calls++;
        sent += batch.length;
      }
    }),
  );
  const wall = (performance.now() - began) / 1000;
  const cores = cpu.read().self?.cores;
  await producer.disconnect();
  return { perS: Math.round(sent / wall), sendMs: Number((callMs / calls).toFixed(2)), cores };
}

async function main(): Promise<void> {
  const machine = machineInfo();
  process.stderr.write(`machine: ${describeMachine(machine)}\n`);
  const local = process.env.KAFKA_BROKERS ? undefined : await startLocalKafka();
  const brokers = process.env.KAFKA_BROKERS ?? local!.brokers;
  try {
    const kafka = new Kafka({ clientId: 'bench-variants', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
    const fleet = syntheticFleet(1000, 'variants');
    const messages: Message[] = Array.from({ length: 20_000 }, (_, i) => {
      const pipeline = fleet[i % fleet.length]!;
      return { key: pipeline.id, value: JSON.stringify(syntheticRun(pipeline, `v-${i}`, false, Date.now())) };
    });
    const rows: (string | number | undefined)[][] = [];
    const results: unknown[] = [];
    for (const pattern of PATTERNS) {
      for (const variant of VARIANTS) {
        const outcome = await measure(kafka, variant, pattern, messages);
        process.stderr.write(`${pattern.name} | ${variant.name}: ${outcome.perS}/s\n`);
        rows.push([pattern.name.split(':')[0]!, variant.name, outcome.perS, outcome.sendMs, outcome.cores]);
        results.push({ pattern: pattern.name, variant: variant.name, messages_per_s: outcome.perS, mean_call_ms: outcome.sendMs, producer_process_cores: outcome.cores });
      }
    }
    process.stdout.write(`\n${formatTable(['pattern', 'producer variant', 'messages/s', 'mean call ms', 'cores'], rows)}\n`);
    writeResult(RESULTS_DIR, 'producer-variants', { benchmark: 'producer-variants', machine, seconds_per_cell: seconds, results });
  } finally {
    await local?.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 1;
});
