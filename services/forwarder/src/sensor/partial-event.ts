import { RUN_SCHEMA, type RunEvent } from '@pipewatch/shared';
import type { CiMetadata } from '../detect-ci-metadata.js';
import type { SensedAccess } from './sensor-aggregate.js';

/**
 * A partial observation: what the sensor saw first since the last one, as a run event
 * with `run.status: running`. The detector judges it at once and never learns it; only
 * the final event of the run is learned. No resources: they are only known at the end.
 */
export function buildPartialEvent(input: { eventId: string; sequence: number; metadata: CiMetadata; access: SensedAccess; at: Date; backend: string; step?: string }): RunEvent {
  const { access } = input;
  return {
    schema: RUN_SCHEMA,
    event_id: `${input.eventId}.p${input.sequence}`.slice(0, 200),
    source: 'agent',
    occurred_at: input.at.toISOString(),
    pipeline: input.metadata.pipeline,
    run: { ...input.metadata.run, status: 'running' },
    ...(input.metadata.runner && Object.keys(input.metadata.runner).length > 0 ? { runner: input.metadata.runner } : {}),
    access: {
      ...(access.egress.length > 0 ? { egress: access.egress.map((entry) => ({ ...entry })) } : {}),
      ...(access.processes.length > 0 ? { processes: access.processes.map((process) => ({ ...process })) } : {}),
      ...(access.files_written.length > 0 ? { files_written: [...access.files_written] } : {}),
      ...(access.memory_reads.length > 0 ? { memory_reads: access.memory_reads.map((read) => ({ ...read })) } : {}),
      ...(access.source_writes.length > 0 ? { source_writes: access.source_writes.map((write) => ({ ...write })) } : {}),
    },
    attributes: { ...input.metadata.attributes, ...(input.step ? { step: input.step } : {}), sensor: input.backend, partial_sequence: input.sequence },
  };
}
