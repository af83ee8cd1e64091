export { runForward, type ForwardRequest, type ForwardIo, type ForwardResult } from './run-forward.js';
export { detectCiMetadata, workflowPath, type CiMetadata, type CiKind, type MetadataFlags } from './detect-ci-metadata.js';
export {
  ForwarderEnv,
  resolveForwarderSettings,
  defaultSpoolDir,
  DEFAULT_SETTINGS,
  type ForwarderSettings,
  type ForwarderFlags,
  type SensorMode,
} from './forwarder-settings.js';
export { createSensorAggregate, type SensedAccess, type SensorTotals } from './sensor/sensor-aggregate.js';
export { startTracedCommand, straceAvailable } from './trace/strace-session.js';
export type { SensorEvent } from './trace/sensor-events.js';
export { buildRunEvent, CLOCK_TICKS_PER_SECOND, type RunOutcome, type RunEventInput } from './build-run-event.js';
export { createSampler, type Sampler, type SamplerOptions, type Observation, type ObservedProcess, type ObservedConnection } from './sampler.js';
export { createLogShipper, type LogShipper, type LogShipperOptions, type LogLine } from './log-shipper.js';
export { createLineSplitter, MAX_LINE_CHARS, type LineSplitter } from './line-splitter.js';
export { createSpool, type Spool, type SpoolRecord, type ClaimedRecords } from './spool.js';
export { createHttpClient, CollectorError, type HttpClient, type HttpClientOptions, type CollectorReply } from './http-client.js';
export { createDelivery, type Delivery, type DeliveryOptions, type DeliveryStats, type CollectorState } from './delivery.js';
export { createShipping, type Shipping } from './shipping.js';
export { createStatusLine, formatStatus, type StatusLine, type StatusStream } from './status-line.js';
export { exitCodeOf, exitCodeOfSpawnError } from './exit-code.js';
export { runEventId, logBatchId } from './event-ids.js';
export { passThrough } from './pass-through.js';
export { spawnCommand, type StartedCommand } from './spawn-command.js';
export { parseProcStat, type ProcStat } from './proc/parse-stat.js';
export { parseFdLink, parseExeLink, NAME_LOOKUP_FILES, type FdTarget } from './proc/parse-fd-link.js';
export {
  parseNetTable,
  parseUnixInodes,
  decodeEndpoint,
  decodeHexAddress,
  formatIpv6,
  isLoopback,
  type NetSocket,
  type NetProtocol,
} from './proc/parse-net-table.js';
export { parseNetDev, parseProcIo, parsePageSize } from './proc/parse-misc.js';
export { createProcReader, type ProcReader } from './proc/proc-reader.js';
export { createExeHasher, sha256File, type ExeHasher } from './proc/exe-hasher.js';
export * from './artifacts/index.js';
