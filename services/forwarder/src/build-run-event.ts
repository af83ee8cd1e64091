import { basename } from 'node:path';
import { RUN_SCHEMA, type RunEvent } from '@pipewatch/shared';
import type { CiMetadata } from './detect-ci-metadata.js';
import type { Observation } from './sampler.js';
import type { SensedAccess, SensorTotals } from './sensor/sensor-aggregate.js';

/** USER_HZ: the unit of /proc/<pid>/stat times, 100 on every Linux architecture in use. */
export const CLOCK_TICKS_PER_SECOND = 100;

const MAX_LIST = 5000;

export interface RunOutcome {
  exitCode: number;
  signal?: NodeJS.Signals;
  /** The forwarder passed a cancellation signal (CI stop, Ctrl-C) on to the command. */
  cancelled: boolean;
  startedAt: Date;
  finishedAt: Date;
  /** Best CPU figure in ticks: the larger of the sampled tree and what the kernel charged the forwarder for its reaped child. */
  cpuTicks: number;
  /** argv[0] only: arguments may hold secrets. */
  command: string;
}

export interface RunEventInput {
  eventId: string;
  metadata: CiMetadata;
  observation: Observation;
  hashes: ReadonlyMap<string, string | undefined>;
  outcome: RunOutcome;
  step?: string;
  /** What the syscall sensor saw; replaces the sampled processes and connections when present. */
  sensed?: { access: SensedAccess; totals: SensorTotals };
  /** Interface byte counters over the job (/proc/net/dev), used when there is no sensor. */
  network?: { tx: number; rx: number };
}

/** Turns what the forwarder saw into a `pipewatch.run/v1` event with source `agent`. */
export function buildRunEvent(input: RunEventInput): RunEvent {
  const { observation, outcome, metadata } = input;
  const status = outcome.cancelled ? 'cancelled' : outcome.exitCode === 0 ? 'success' : 'failure';
  const deleted = observation.processes.filter((process) => process.deleted).map((process) => process.exe);
  return {
    schema: RUN_SCHEMA,
    event_id: input.eventId,
    source: 'agent',
    occurred_at: outcome.finishedAt.toISOString(),
    pipeline: metadata.pipeline,
    run: { ...metadata.run, status, started_at: outcome.startedAt.toISOString(), finished_at: outcome.finishedAt.toISOString() },
    ...(metadata.runner && Object.keys(metadata.runner).length > 0 ? { runner: metadata.runner } : {}),
    resources: {
      duration_s: round((outcome.finishedAt.getTime() - outcome.startedAt.getTime()) / 1000, 3),
      cpu_s: round(outcome.cpuTicks / CLOCK_TICKS_PER_SECOND, 2),
      max_rss_mb: round(observation.maxRssBytes / (1024 * 1024), 1),
      process_count: observation.processCount,
      ...(observation.diskWriteBytes !== undefined ? { disk_write_bytes: observation.diskWriteBytes } : {}),
      ...(input.sensed ? sensedResources(input.sensed.totals, observation.processCount) : input.network ? { net_tx_bytes: input.network.tx, net_rx_bytes: input.network.rx } : {}),
    },
    access: input.sensed ? sensedAccess(input.sensed.access, input.hashes) : {
      egress: observation.egress.slice(0, MAX_LIST).map((connection) => ({
        ip: connection.ip,
        port: connection.port,
        ...(connection.resolved ? { resolved: true } : {}),
      })),
      processes: observation.processes.slice(0, MAX_LIST).map((process) => {
        const sha256 = input.hashes.get(process.exe);
        return { exe: process.exe, ...(sha256 ? { sha256 } : {}), ...(process.parent ? { parent: process.parent } : {}) };
      }),
    },
    attributes: {
      ...metadata.attributes,
      ...(input.step ? { step: input.step } : {}),
      command: basename(outcome.command).slice(0, 200),
      exit_code: outcome.exitCode,
      ...(outcome.signal ? { signal: outcome.signal } : {}),
      forwarder_samples: observation.samples,
      sensor: input.sensed ? 'strace' : 'proc',
      ...(input.sensed ? sensorCounts(input.sensed.totals) : {}),
      ...(deleted.length > 0 ? { deleted_executables: deleted.join(',').slice(0, 2000) } : {}),
    },
  };
}

function sensedResources(totals: SensorTotals, sampledProcesses: number): Record<string, number> {
  return { process_count: Math.max(totals.processesStarted, sampledProcesses), net_tx_bytes: totals.bytesSent, net_rx_bytes: totals.bytesReceived };
}

function sensedAccess(access: SensedAccess, hashes: ReadonlyMap<string, string | undefined>): NonNullable<RunEvent['access']> {
  return {
    egress: access.egress.slice(0, MAX_LIST),
    processes: access.processes.slice(0, MAX_LIST).map((process) => {
      const sha256 = hashes.get(process.exe);
      return { ...process, ...(sha256 ? { sha256 } : {}) };
    }),
    ...(access.files_written.length > 0 ? { files_written: access.files_written.slice(0, MAX_LIST) } : {}),
    ...(access.memory_reads.length > 0 ? { memory_reads: access.memory_reads } : {}),
    ...(access.source_writes.length > 0 ? { source_writes: access.source_writes } : {}),
  };
}

function sensorCounts(totals: SensorTotals): Record<string, number> {
  return {
    sensor_execs: totals.processesStarted,
    sensor_exec_failures: totals.execFailures,
    sensor_connections: totals.connections,
    sensor_dns_answers: totals.dnsAnswers,
    sensor_file_writes: totals.filesWritten,
    ...(totals.filesWrittenDropped > 0 ? { sensor_files_over_bound: totals.filesWrittenDropped } : {}),
  };
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
