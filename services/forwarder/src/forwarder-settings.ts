import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError, loadConfigWith, type RetryPolicy } from '@pipewatch/shared';

const MIB = 1024 * 1024;

/** The forwarder's own environment variables (it runs in CI, not beside the services). */
export const ForwarderEnv = z.object({
  PIPEWATCH_COLLECTOR_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  PIPEWATCH_TOKEN: z.string().min(1).optional(),
  PIPEWATCH_SPOOL_DIR: z.string().min(1).optional(),
  PIPEWATCH_SPOOL_MAX_BYTES: z.coerce.number().int().min(4096).default(50 * MIB),
  /** GitHub's per-job temp dir: the default home of the spool there. */
  RUNNER_TEMP: z.string().min(1).optional(),
});
export type ForwarderEnv = z.infer<typeof ForwarderEnv>;

export interface ForwarderSettings {
  collectorUrl: string;
  token?: string;
  spoolDir: string;
  spoolMaxBytes: number;
  sampleIntervalMs: number;
  ignoreLoopback: boolean;
  batchLines: number;
  batchIntervalMs: number;
  requestTimeoutMs: number;
  retry: RetryPolicy;
  /** After a failed delivery, how long to spool without trying the collector again. */
  cooldownMs: number;
  /** Longest the forwarder may spend delivering after the command ended; the rest is spooled. */
  flushTimeoutMs: number;
  step?: string;
  /** `auto`: trace syscalls with strace when it works here, else sample /proc; `strace`/`proc` force one. */
  sensor: SensorMode;
  /** UDP/TCP ports whose traffic is DNS (53, plus a local resolver on another port): decoded for names, not egress. */
  dnsPorts: number[];
  /** Stop the command when the collector reports a finding this severe or worse (off when unset). */
  failOn?: 'low' | 'medium' | 'high' | 'critical';
}

export type SensorMode = 'auto' | 'strace' | 'proc';

/** What flags may override; undefined means "not given". */
export type ForwarderFlags = Partial<Omit<ForwarderSettings, 'token' | 'retry'>> & { retries?: number };

export const DEFAULT_SETTINGS = {
  sampleIntervalMs: 250,
  ignoreLoopback: false,
  batchLines: 500,
  batchIntervalMs: 1000,
  requestTimeoutMs: 5000,
  retry: { retries: 4, minDelayMs: 250, maxDelayMs: 4000 },
  cooldownMs: 30_000,
  flushTimeoutMs: 10_000,
  sensor: 'auto' as SensorMode,
  dnsPorts: [53] as number[],
} as const;

/**
 * Environment first, flags over it. Throws ConfigError listing every problem, like
 * every other pipewatch component.
 */
export function resolveForwarderSettings(env: Record<string, string | undefined>, flags: ForwarderFlags = {}): ForwarderSettings {
  const fromEnv = loadConfigWith(ForwarderEnv, env);
  const collectorUrl = flags.collectorUrl ?? fromEnv.PIPEWATCH_COLLECTOR_URL;
  const problems: string[] = [];
  if (collectorUrl === undefined) problems.push('PIPEWATCH_COLLECTOR_URL: required (or pass --collector <url>)');
  else if (!/^https?:\/\/[^/]/.test(collectorUrl)) problems.push('--collector: must be an http(s) URL');
  if (problems.length > 0) throw new ConfigError(problems);
  const retry = { ...DEFAULT_SETTINGS.retry, ...(flags.retries !== undefined ? { retries: flags.retries } : {}) };
  return {
    ...DEFAULT_SETTINGS,
    ...definedOnly(flags),
    collectorUrl: collectorUrl!.replace(/\/+$/, ''),
    ...(fromEnv.PIPEWATCH_TOKEN ? { token: fromEnv.PIPEWATCH_TOKEN } : {}),
    spoolDir: flags.spoolDir ?? fromEnv.PIPEWATCH_SPOOL_DIR ?? defaultSpoolDir(fromEnv.RUNNER_TEMP),
    spoolMaxBytes: flags.spoolMaxBytes ?? fromEnv.PIPEWATCH_SPOOL_MAX_BYTES,
    retry,
  };
}

export function defaultSpoolDir(runnerTemp: string | undefined): string {
  return join(runnerTemp ?? tmpdir(), 'pipewatch-spool');
}

function definedOnly<T extends object>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([key, item]) => item !== undefined && key !== 'retries')) as Partial<T>;
}
