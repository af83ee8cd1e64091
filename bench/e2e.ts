// End-to-end benchmark: sustained load through HTTP → Kafka → detector → Kafka → alerter →
// Elasticsearch and a webhook, each service its own process, with finding latency measured
// from the collector's 202 and consumer lag sampled throughout.
// `npm run bench:e2e [-- --rate 5000 --duration 60 --pipelines 1000 --anomaly-every 100 --profile --no-fallback]`
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { topicNames } from '@pipewatch/shared';
import { createAnomalyLedger, type LatencyReport } from './lib/anomaly-ledger.js';
import { positive, readFlags } from './lib/args.js';
import { summarizeCpuProfile, type ProfileSummary } from './lib/cpu-profile.js';
import { ensureCliBuilt } from './lib/ensure-built.js';
import { startFindingPoller } from './lib/es-finding-poller.js';
import { setTemplateRefreshInterval } from './lib/es-template-refresh.js';
import { startFindingReceiver, type ReceivedFinding } from './lib/finding-receiver.js';
import { createHttpPoster } from './lib/http-poster.js';
import { createOffsetReader, type OffsetReader } from './lib/kafka-offsets.js';
import { judgeKeepUp, type KeepUpVerdict } from './lib/keep-up.js';
import { startLagSampler, type LagSample } from './lib/lag-sampler.js';
import { runClosedLoop, runPacedLoop } from './lib/load-loops.js';
import { busyMachineWarning, describeMachine, machineInfo } from './lib/machine-info.js';
import { distribution, roundDistribution, type Distribution } from './lib/percentiles.js';
import { startCpuMeter } from './lib/process-cpu.js';
import { formatProfileSummary } from './lib/profile-report.js';
import { RESULTS_DIR } from './lib/repo-paths.js';
import { DEFAULT_MIN_RUNS, syntheticFleet, syntheticRun, type SyntheticPipeline } from './lib/run-events.js';
import { provideServers, type BenchServers } from './lib/servers.js';
import { runSetupCommand, spawnService, type RunningService } from './lib/spawn-service.js';
import { formatTable, type Cell } from './lib/table.js';
import { writeResult } from './lib/write-result.js';

const TARGET_P99_MS = 1_000;

const flags = readFlags(process.argv.slice(2), {
  rate: { type: 'string', default: '5000' },
  duration: { type: 'string', default: '60' },
  pipelines: { type: 'string', default: '1000' },
  'anomaly-every': { type: 'string', default: '100' },
  clients: { type: 'string', default: '8' },
  batch: { type: 'string', default: '100' },
  'sample-every': { type: 'string', default: '5' },
  'drain-seconds': { type: 'string', default: '60' },
  'poll-ms': { type: 'string', default: '100' },
  'es-refresh-interval': { type: 'string' },
  profile: { type: 'boolean', default: false },
  'no-fallback': { type: 'boolean', default: false },
});
const settings = {
  rate: positive('rate', flags.rate),
  durationS: positive('duration', flags.duration),
  pipelines: Math.round(positive('pipelines', flags.pipelines)),
  anomalyEvery: Math.round(positive('anomaly-every', flags['anomaly-every'])),
  clients: Math.round(positive('clients', flags.clients)),
  batch: Math.round(positive('batch', flags.batch)),
  sampleEveryS: positive('sample-every', flags['sample-every']),
  drainS: positive('drain-seconds', flags['drain-seconds']),
  pollMs: positive('poll-ms', flags['poll-ms']),
};
const log = (line: string): void => void process.stderr.write(`[bench:e2e] ${line}\n`);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface StageResult {
  stage: string;
  offered_per_s: number;
  accepted_per_s: number;
  accepted_events: number;
  load_wall_s: number;
  status_counts: Record<string, number>;
  transport_errors: number;
  first_error?: string;
  request_latency_ms: Distribution;
  send_late_ms: Distribution;
  training: { events: number; post_s: number; drained_s: number | null; detector_events_per_s: number | null };
  keep_up: KeepUpVerdict;
  lag_samples: LagSample[];
  latency: LatencyReport;
  drain_s: number;
  webhook_receiver: { requests: number; duplicates: number; unreadable: number };
  es_poller: { searches: number; failures: number; mean_search_ms: number };
  dead_letters: number;
  cpu: Record<string, { cpu_s: number; cores: number } | null>;
  service_logs: Record<string, RunningService['logs']>;
  profiles?: Record<string, ProfileSummary>;
}

interface Shared {
  servers: BenchServers;
  offsets: OffsetReader;
  receiver: Awaited<ReturnType<typeof startFindingReceiver>>;
}

interface Batch {
  body: string;
  events: number;
  anomalies: string[];
}

function batchOf(fleet: SyntheticPipeline[], counter: { seq: number }, size: number, tag: string, anomalyEvery: number | undefined): Batch {
  const lines: string[] = [];
  const anomalies: string[] = [];
  const now = Date.now();
  for (let i = 0; i < size; i++) {
    const seq = counter.seq++;
    // A stride coprime with the fleet size spreads anomalies over many pipelines.
    const pipeline = fleet[(seq * 7919) % fleet.length]!;
    const anomalous = anomalyEvery !== undefined && seq % anomalyEvery === anomalyEvery - 1;
    const eventId = `${tag}-${seq}`;
    if (anomalous) anomalies.push(eventId);
    lines.push(JSON.stringify(syntheticRun(pipeline, eventId, anomalous, now)));
  }
  return { body: lines.join('\n'), events: size, anomalies };
}

async function runStage(name: string, rate: number, shared: Shared, workDir: string): Promise<StageResult> {
  const { servers, offsets, receiver } = shared;
  const id = randomBytes(4).toString('hex');
  const prefix = `bench-e2e-${id}.`;
  const topics = topicNames(prefix);
  const groups = { detector: `bench-e2e-${id}-detector`, alerter: `bench-e2e-${id}-alerter` };
  const indexPrefix = `bench-e2e-${id}-findings`;
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    KAFKA_BROKERS: servers.brokers,
    ELASTICSEARCH_URL: servers.elasticsearchUrl!,
    PIPEWATCH_TOPIC_PREFIX: prefix,
    PIPEWATCH_DETECTOR_GROUP: groups.detector,
    PIPEWATCH_ALERTER_GROUP: groups.alerter,
    PIPEWATCH_ES_INDEX_PREFIX: indexPrefix,
    PIPEWATCH_WEBHOOK_URL: receiver.url,
    PIPEWATCH_ALLOW_PRIVATE_DESTINATIONS: 'loopback',
    PIPEWATCH_MIN_RUNS: String(DEFAULT_MIN_RUNS),
  };
  const profileDir = flags.profile ? mkdtempSync(join(workDir, `${name}-`)) : undefined;
  const services: RunningService[] = [];
  const start = async (role: RunningService['role']): Promise<RunningService> => {
    const service = await spawnService({ role, env, ...(profileDir ? { cpuProfileDir: profileDir } : {}) });
    services.push(service);
    return service;
  };
  log(`${name}: pipewatch setup, then alerter, detector, collector (prefix ${prefix})`);
  await runSetupCommand(env);
  if (flags['es-refresh-interval']) {
    await setTemplateRefreshInterval(servers.elasticsearchUrl!, indexPrefix, flags['es-refresh-interval']);
    log(`${name}: what-if: findings indices refresh every ${flags['es-refresh-interval']} (the shipped template sets 250ms)`);
  }
  // Downstream first, so nothing waits on a consumer that is not there yet.
  const alerter = await start('alerter');
  const detector = await start('detector');
  const collector = await start('collector');
  const poster = createHttpPoster(collector.url, settings.clients);
  const send = (batch: Batch) => poster.post('/v1/events', batch.body);
  const fleet = syntheticFleet(settings.pipelines, id);
  const counter = { seq: 0 };
  const ledger = createAnomalyLedger();
  const onWebhook = (finding: ReceivedFinding): void => ledger.webhook(finding.eventIds, finding.arrivedAt, finding.detectedAt);
  receiver.onFinding(onWebhook);
  const lagWatch = { reader: offsets, runs: { group: groups.detector, topic: topics.runs }, findings: { group: groups.alerter, topic: topics.findings } };
  let stopped = false;
  try {
    // Training: every pipeline gets the runs its baseline needs before it is judged.
    const trainingEvents = settings.pipelines * DEFAULT_MIN_RUNS;
    const trainingBatches = Array.from({ length: Math.ceil(trainingEvents / 500) }, () => batchOf(fleet, counter, 500, id, undefined));
    log(`${name}: training ${settings.pipelines} pipelines with ${trainingEvents} runs`);
    const trainBegan = performance.now();
    const training = await runClosedLoop({ clients: settings.clients, batches: trainingBatches, maxMs: 120_000, send, eventsIn: (b) => b.events });
    if (training.records.some((r) => r.status !== 202)) throw new Error(`training was not accepted whole: ${training.firstError}`);
    const postS = (performance.now() - trainBegan) / 1000;
    let drainedS: number | null = null;
    for (const deadline = performance.now() + 300_000; performance.now() < deadline; await sleep(500)) {
      const lag = await offsets.groupLag(groups.detector, topics.runs);
      if (lag.committed >= trainingEvents) {
        drainedS = (performance.now() - trainBegan) / 1000;
        break;
      }
    }
    if (drainedS === null) throw new Error('the detector did not get through the training runs within 300 s');
    log(`${name}: training posted in ${postS.toFixed(1)} s, judged by the detector after ${drainedS.toFixed(1)} s`);

    // Load: a fixed schedule at `rate`, a known share of anomalous runs.
    const poller = startFindingPoller({
      url: servers.elasticsearchUrl!,
      index: `${indexPrefix}-*`,
      intervalMs: settings.pollMs,
      onSearchable: (finding) => ledger.searchable(finding.eventIds, finding.seenAt, finding.detectedAt),
    });
    const sampler = startLagSampler({ ...lagWatch, everyMs: settings.sampleEveryS * 1000 });
    const cpu = startCpuMeter({
      collector: collector.pid,
      detector: detector.pid,
      alerter: alerter.pid,
      kafka: servers.kafkaPid,
      elasticsearch: servers.elasticsearchPid,
      'bench (load, receiver, poller)': 'self',
    });
    const phaseStart = await sampler.sample();
    log(`${name}: ${settings.durationS} s at ${rate} events/s offered, 1 in ${settings.anomalyEvery} anomalous`);
    const load = await runPacedLoop({
      clients: settings.clients,
      ratePerS: rate,
      batchSize: settings.batch,
      durationMs: settings.durationS * 1000,
      makeBatch: () => batchOf(fleet, counter, settings.batch, id, settings.anomalyEvery),
      send,
      eventsIn: (b) => b.events,
      onAnswer(batch, result) {
        if (result.status !== 202) return;
        for (const eventId of batch.anomalies) ledger.accepted(eventId, result.doneAt);
        poller.watch(batch.anomalies);
      },
    });
    const phaseEnd = await sampler.sample();
    const cpuUse = cpu.read();
    const accepted = load.records.filter((r) => r.status === 202).reduce((sum, r) => sum + r.events, 0);
    const acceptedPerS = accepted / (load.wallMs / 1000);
    const phaseSamples = sampler.samples.filter((s) => s.t >= phaseStart.t && s.t <= phaseEnd.t);
    const keepUp = judgeKeepUp(phaseSamples, acceptedPerS, acceptedPerS / settings.anomalyEvery);
    log(`${name}: accepted ${Math.round(acceptedPerS)} events/s; detector lag ${phaseEnd.runs.lag}, alerter lag ${phaseEnd.findings.lag}; ${keepUp.keptUp ? 'kept up' : `fell behind (${keepUp.reasons.join('; ')})`}`);

    // Drain: wait (bounded) for every anomaly's finding at the webhook and in Elasticsearch.
    const drainBegan = performance.now();
    while (performance.now() - drainBegan < settings.drainS * 1000) {
      const open = ledger.outstanding();
      if (open.webhook === 0 && open.searchable === 0) break;
      await sleep(250);
    }
    const drainS = (performance.now() - drainBegan) / 1000;
    await sampler.sample();
    await sampler.stop();
    await poller.stop();
    poster.close();
    const deadLetters = await offsets.topicEnd(topics.deadLetter).catch(() => -1);
    for (const service of [collector, detector, alerter]) await service.stop();
    stopped = true;
    const profiles = profileDir
      ? Object.fromEntries(services.map((service) => [service.role, summarizeCpuProfile(join(profileDir, `${service.role}.cpuprofile`), 20)]))
      : undefined;
    return {
      stage: name,
      offered_per_s: rate,
      accepted_per_s: Math.round(acceptedPerS),
      accepted_events: accepted,
      load_wall_s: Number((load.wallMs / 1000).toFixed(2)),
      status_counts: load.records.reduce<Record<string, number>>((counts, r) => ({ ...counts, [r.status]: (counts[r.status] ?? 0) + 1 }), {}),
      transport_errors: load.transportErrors,
      ...(load.firstError ? { first_error: load.firstError } : {}),
      request_latency_ms: roundDistribution(distribution(load.records.map((r) => r.ms))),
      send_late_ms: roundDistribution(distribution(load.lateMs)),
      training: {
        events: trainingEvents,
        post_s: Number(postS.toFixed(2)),
        drained_s: Number(drainedS.toFixed(2)),
        detector_events_per_s: Math.round(trainingEvents / drainedS),
      },
      keep_up: keepUp,
      lag_samples: sampler.samples,
      latency: ledger.report(),
      drain_s: Number(drainS.toFixed(1)),
      webhook_receiver: receiver.counts(),
      es_poller: poller.stats(),
      dead_letters: deadLetters,
      cpu: cpuUse,
      service_logs: Object.fromEntries(services.map((service) => [service.role, service.logs])),
      ...(profiles ? { profiles } : {}),
    };
  } finally {
    poster.close();
    if (!stopped) await Promise.all(services.map((service) => service.stop(5_000).catch(() => undefined)));
    if (!servers.started.elasticsearch) {
      await fetch(`${servers.elasticsearchUrl}/${indexPrefix}-*`, { method: 'DELETE' }).catch(() => undefined);
    }
  }
}

const ms = (value: number): Cell => (Number.isFinite(value) ? Math.round(value) : null);

function latencyRows(stage: StageResult): Cell[][] {
  const row = (label: string, d: Distribution & { missing: number }): Cell[] => [label, d.n, d.missing, ms(d.p50), ms(d.p95), ms(d.p99), ms(d.max)];
  return [
    row(`${stage.stage}: 202 → webhook`, stage.latency.to_webhook_ms),
    row(`${stage.stage}: 202 → searchable in ES`, stage.latency.to_searchable_ms),
    row(`${stage.stage}: 202 → detected_at`, stage.latency.to_detected_ms),
  ];
}

function report(stages: StageResult[], machine: ReturnType<typeof machineInfo>): string {
  const throughput = formatTable(
    ['stage', 'offered/s', 'accepted/s', 'detector/s', 'alerter/s', 'lag end', 'lag max', 'lag slope/s', 'findings lag', 'req p99 ms', 'kept up'],
    stages.map((s) => [
      s.stage,
      s.offered_per_s,
      s.accepted_per_s,
      s.keep_up.processedPerS,
      s.keep_up.alertedPerS,
      s.keep_up.runsLagAtEnd,
      s.keep_up.maxRunsLag,
      s.keep_up.runsLagSlopePerS,
      s.keep_up.findingsLagAtEnd,
      ms(s.request_latency_ms.p99),
      s.keep_up.keptUp ? 'yes' : 'NO',
    ]),
  );
  const latency = formatTable(['finding latency (ms)', 'n', 'missing', 'p50', 'p95', 'p99', 'max'], stages.flatMap(latencyRows));
  const cpu = formatTable(
    ['CPU during load (cores of 2)', ...stages.map((s) => s.stage)],
    Object.keys(stages[0]!.cpu).map((process) => [process, ...stages.map((s) => s.cpu[process]?.cores ?? null)]),
  );
  const verdicts = stages.map((s) => {
    const p99 = (d: Distribution & { missing: number }): string =>
      d.missing > 0 ? `${d.missing} of ${d.n + d.missing} never arrived within the drain: MISSED` : `${Math.round(d.p99)} ms: ${d.p99 < TARGET_P99_MS ? 'MET' : 'MISSED'}`;
    return [
      `${s.stage} at ${s.offered_per_s}/s: kept up: ${s.keep_up.keptUp ? 'yes' : `NO (${s.keep_up.reasons.join('; ')})`}`,
      `  p99 202 → webhook ${p99(s.latency.to_webhook_ms)}; p99 202 → searchable ${p99(s.latency.to_searchable_ms)} (target < ${TARGET_P99_MS} ms)`,
      `  the detector alone judged the training runs at ${s.training.detector_events_per_s} events/s; dead letters ${s.dead_letters}; webhook requests so far ${s.webhook_receiver.requests}`,
    ].join('\n');
  });
  return [
    '',
    `e2e: HTTP → Kafka → detector → Kafka → alerter → Elasticsearch + webhook; ${settings.pipelines} pipelines, 1 run in ${settings.anomalyEvery} anomalous, ${settings.clients} keep-alive clients, batches of ${settings.batch}, ${settings.durationS} s per stage`,
    `machine: ${describeMachine(machine)} — Kafka, Elasticsearch, the three services and the load generator all share the ${machine.cpus} cores`,
    busyMachineWarning(machine) ?? '',
    flags.profile ? 'NOTE: --profile was on; the services ran under --cpu-prof, which slows them' : '',
    throughput,
    '',
    latency,
    `(searchable = first ${settings.pollMs} ms _search poll that returns the finding; no refresh is forced; index refresh_interval ${flags['es-refresh-interval'] ?? 'as shipped (250ms)'})`,
    '',
    cpu,
    '',
    ...verdicts,
    ...stages.flatMap((s) => Object.entries(s.profiles ?? {}).map(([role, summary]) => `\n${formatProfileSummary(`${s.stage} ${role} CPU profile`, summary, 12)}`)),
    '',
  ]
    .filter((line, index, all) => line !== '' || (index > 0 && all[index - 1] !== ''))
    .join('\n');
}

async function main(): Promise<void> {
  const machine = machineInfo();
  log(`machine: ${describeMachine(machine)}; Kafka, Elasticsearch, three services and the load generator share these cores`);
  ensureCliBuilt(log);
  const servers = await provideServers({
    ...(process.env.KAFKA_BROKERS ? { brokers: process.env.KAFKA_BROKERS } : {}),
    ...(process.env.ELASTICSEARCH_URL ? { elasticsearchUrl: process.env.ELASTICSEARCH_URL } : {}),
    elasticsearch: true,
    log,
  });
  const workDir = mkdtempSync(join(tmpdir(), 'pipewatch-bench-e2e-'));
  let offsets: OffsetReader | undefined;
  let receiver: Shared['receiver'] | undefined;
  const stages: StageResult[] = [];
  try {
    offsets = await createOffsetReader(servers.brokers);
    receiver = await startFindingReceiver();
    const shared: Shared = { servers, offsets, receiver };
    stages.push(await runStage('target', settings.rate, shared, workDir));
    const first = stages[0]!;
    if (!first.keep_up.keptUp && !flags['no-fallback']) {
      // Under overload the slowest stage runs flat out, so its pace (with headroom) is what this machine sustains.
      const measured = Math.min(first.keep_up.processedPerS, first.accepted_per_s);
      const fallback = Math.max(100, Math.floor((measured * 0.8) / 100) * 100);
      log(`the target rate was not sustained; running again at ${fallback} events/s (80 % of the measured ${measured}/s)`);
      stages.push(await runStage('sustainable', fallback, shared, workDir));
    }
    process.stdout.write(`${report(stages, machine)}\n`);
    const path = writeResult(RESULTS_DIR, 'e2e', {
      benchmark: 'e2e',
      machine,
      load_average_at_end: loadavg().map((value) => Number(value.toFixed(2))),
      settings: { ...settings, profile: flags.profile, es_refresh_interval: flags['es-refresh-interval'] ?? null, target_p99_ms: TARGET_P99_MS },
      servers: {
        kafka: servers.started.kafka ? 'local (started by the benchmark)' : 'given by KAFKA_BROKERS',
        elasticsearch: servers.started.elasticsearch ? 'local (started by the benchmark)' : 'given by ELASTICSEARCH_URL',
      },
      stages,
    });
    log(`wrote ${path}`);
  } finally {
    await receiver?.close();
    await offsets?.close().catch(() => undefined);
    await servers.stop();
    if (flags.profile) log(`profiles kept in ${workDir}`);
    else rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`[bench:e2e] failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 1;
});
