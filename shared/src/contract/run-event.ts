import { z } from 'zod';
import { NonNegative, PipelineRef, Source, Timestamp } from './common.js';
import { SafeRecord, recordKey } from './safe-record.js';

export const RUN_SCHEMA = 'pipewatch.run/v1';

export const RunStatus = z.enum(['success', 'failure', 'cancelled', 'skipped', 'running']);

export const RunInfo = z.strictObject({
  id: z.string().min(1).max(200),
  attempt: z.number().int().nonnegative().optional(),
  number: z.number().int().nonnegative().optional(),
  url: z.string().max(2000).optional(),
  status: RunStatus.optional(),
  trigger: z.string().max(100).optional(),
  branch: z.string().max(500).optional(),
  commit: z.string().max(200).optional(),
  actor: z.string().max(200).optional(),
  from_fork: z.boolean().optional(),
  started_at: Timestamp.optional(),
  finished_at: Timestamp.optional(),
});
export type RunInfo = z.infer<typeof RunInfo>;

export const RunnerInfo = z.strictObject({
  name: z.string().max(300).optional(),
  os: z.string().max(100).optional(),
  arch: z.string().max(100).optional(),
  labels: z.array(z.string().max(200)).max(100).optional(),
  self_hosted: z.boolean().optional(),
  ephemeral: z.boolean().optional(),
});

/** Names of the resource measures; the detector baselines each one. */
export const RESOURCE_FIELDS = [
  'duration_s',
  'queue_s',
  'cpu_s',
  'max_rss_mb',
  'net_tx_bytes',
  'net_rx_bytes',
  'disk_write_bytes',
  'process_count',
] as const;
export type ResourceField = (typeof RESOURCE_FIELDS)[number];

export const Resources = z.strictObject({
  duration_s: NonNegative.optional(),
  queue_s: NonNegative.optional(),
  cpu_s: NonNegative.optional(),
  max_rss_mb: NonNegative.optional(),
  net_tx_bytes: NonNegative.optional(),
  net_rx_bytes: NonNegative.optional(),
  disk_write_bytes: NonNegative.optional(),
  process_count: NonNegative.optional(),
});

export const Egress = z.strictObject({
  host: z.string().min(1).max(300).optional(),
  ip: z.union([z.ipv4(), z.ipv6()]).optional(),
  port: z.number().int().min(0).max(65535).optional(),
  bytes_out: NonNegative.optional(),
  /** Bytes received from this destination (runner sensor). */
  bytes_in: NonNegative.optional(),
  protocol: z.enum(['tcp', 'udp']).optional(),
  resolved: z.boolean().optional(),
  /** false: every connect to it failed (refused, unreachable, blocked); the attempt still counts (runner sensor). */
  connected: z.boolean().optional(),
});
export type Egress = z.infer<typeof Egress>;

export const ProcessRun = z.strictObject({
  exe: z.string().min(1).max(1000),
  sha256: z.string().max(100).optional(),
  parent: z.string().max(1000).optional(),
  /** argv[0] and the arguments, redacted and bounded by the sender (runner sensor). */
  argv: z.array(z.string().max(300)).max(32).optional(),
  /** The job itself wrote this file before running it (a dropped payload, or a build output). */
  dropped: z.boolean().optional(),
});

/** A file tracked by the repository's version control that the job wrote to (SolarWinds SUNSPOT). */
export const SourceWrite = z.strictObject({
  path: z.string().min(1).max(1000),
  /** Git blob id at the start of the run, and at its end (absent when deleted). */
  before: z.string().max(100).optional(),
  after: z.string().max(100).optional(),
  /** The content differed from `before` at some point during the run. */
  changed: z.boolean(),
  /** Changed during the run, then put back as it was before the end. */
  restored: z.boolean(),
  writes: z.number().int().nonnegative().optional(),
});
export type SourceWrite = z.infer<typeof SourceWrite>;

/** An open of another process's memory or environment outside the job's tree (the tj-actions dump). */
export const MemoryRead = z.strictObject({
  path: z.string().min(1).max(300),
  target_pid: z.number().int().nonnegative().optional(),
  target_exe: z.string().max(1000).optional(),
  by: z.string().max(1000).optional(),
  /** The open was refused (EACCES/EPERM): an attempt, nothing was read. */
  denied: z.boolean().optional(),
});

export const Access = z.strictObject({
  egress: z.array(Egress).max(5000).optional(),
  secrets: z.array(z.string().min(1).max(200)).max(1000).optional(),
  processes: z.array(ProcessRun).max(5000).optional(),
  files_written: z.array(z.string().max(1000)).max(5000).optional(),
  permissions: SafeRecord(recordKey(100), z.string().max(50)).optional(),
  source_writes: z.array(SourceWrite).max(1000).optional(),
  memory_reads: z.array(MemoryRead).max(100).optional(),
});

export const Step = z.strictObject({
  name: z.string().max(500),
  action: z.string().max(500).optional(),
  action_sha: z.string().max(100).optional(),
  duration_s: NonNegative.optional(),
  status: z.string().max(50).optional(),
});

const Digest = z.string().min(1).max(200);

export const Artifact = z.strictObject({
  name: z.string().min(1).max(500),
  version: z.string().max(200).optional(),
  digest: Digest,
  signed: z.boolean().optional(),
  signature_verified: z.boolean().optional(),
  signer: z.string().max(500).optional(),
});

export const Dependency = z.strictObject({
  name: z.string().min(1).max(500),
  version: z.string().max(200).optional(),
  digest: Digest,
  source: z.string().max(2000).optional(),
});

/**
 * Compiled (z.compile): a generated validator answers every valid event; anything it
 * refuses is parsed again by zod's own parser, so a refusal's issues are zod's, word for
 * word. shared/test/contract-equivalence.test.ts holds it to `UncompiledRunEvent`, the same
 * definition parsed by zod alone.
 */
export const UncompiledRunEvent = z.strictObject({
  schema: z.literal(RUN_SCHEMA),
  event_id: z.string().min(1).max(200),
  source: Source,
  occurred_at: Timestamp,
  pipeline: PipelineRef,
  run: RunInfo,
  runner: RunnerInfo.optional(),
  resources: Resources.optional(),
  metrics: SafeRecord(recordKey(200, 1), z.number().finite()).optional(),
  access: Access.optional(),
  steps: z.array(Step).max(1000).optional(),
  artifacts: z.array(Artifact).max(1000).optional(),
  dependencies: z.array(Dependency).max(5000).optional(),
  attributes: SafeRecord(recordKey(200), z.union([z.string().max(2000), z.number(), z.boolean()])).optional(),
});
export const RunEvent = z.compile(UncompiledRunEvent);
export type RunEvent = z.infer<typeof RunEvent>;
