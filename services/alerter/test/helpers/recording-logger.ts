import type { Logger } from '@pipewatch/shared';

export interface LogEntry {
  level: string;
  message: string;
  fields: Record<string, unknown>;
}

/**
 * A Logger that keeps what it is given, unscrubbed, so a test can see exactly
 * what our code hands to logging (the real logger would mask some leaks).
 */
export function recordingLogger(entries: LogEntry[] = [], bound: Record<string, unknown> = {}): Logger & { entries: LogEntry[] } {
  const record = (level: string) => (message: string, fields: Record<string, unknown> = {}) => {
    entries.push({ level, message, fields: { ...bound, ...fields } });
  };
  return {
    entries,
    error: record('error'),
    warn: record('warn'),
    info: record('info'),
    debug: record('debug'),
    child: (fields) => recordingLogger(entries, { ...bound, ...fields }),
  };
}
