import winston from 'winston';
import { redactText } from '../redact/redact-text.js';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

/** Field names whose values are never written, whatever they hold. */
const SECRET_FIELD = /(token|secret|password|passwd|authorization|api_?key|cookie|signature)/i;

/** Deep-copies a log record, masking secret-named fields and secret-shaped strings. */
export function scrubForLog(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value).text;
  if (value === null || typeof value !== 'object') return value;
  // Cut, not passed through raw: raw would skip the masking below.
  if (depth > 6) return '[TRUNCATED]';
  if (value instanceof Error) return { name: value.name, message: redactText(value.message).text };
  // Dates, URLs and the like serialise through toJSON; their own keys are empty.
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return scrubForLog((value as { toJSON: () => unknown }).toJSON(), depth + 1);
  }
  if (Array.isArray(value)) return value.map((item) => scrubForLog(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_FIELD.test(key) ? '[REDACTED]' : scrubForLog(item, depth + 1);
  }
  return out;
}

const scrub = winston.format((info) => {
  for (const key of Object.keys(info)) {
    info[key] = SECRET_FIELD.test(key) ? '[REDACTED]' : scrubForLog(info[key]);
  }
  return info;
});

export interface Logger {
  error(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  service: string;
  /** Defaults to stderr, so stdout stays free for command output (replay). */
  stream?: NodeJS.WritableStream;
}

/** JSON-lines logger; the only file that imports winston. */
export function createLogger(options: LoggerOptions): Logger {
  const logger = winston.createLogger({
    level: options.level ?? 'info',
    defaultMeta: { service: options.service },
    format: winston.format.combine(winston.format.timestamp(), scrub(), winston.format.json()),
    transports: [new winston.transports.Stream({ stream: options.stream ?? process.stderr })],
  });
  return wrap(logger);
}

function wrap(logger: winston.Logger): Logger {
  return {
    error: (message, fields) => logger.error(message, fields),
    warn: (message, fields) => logger.warn(message, fields),
    info: (message, fields) => logger.info(message, fields),
    debug: (message, fields) => logger.debug(message, fields),
    child: (fields) => wrap(logger.child(fields)),
  };
}

/** A logger that drops everything: for commands whose output must stay clean. */
export function silentLogger(): Logger {
  const noop = (): void => undefined;
  const logger: Logger = { error: noop, warn: noop, info: noop, debug: noop, child: () => logger };
  return logger;
}
