import { z } from 'zod';
import { Source, Timestamp } from './common.js';

export const LOG_SCHEMA = 'pipewatch.log/v1';
export const MAX_LOG_LINES = 10_000;

export const LogLine = z.strictObject({
  text: z.string().max(65_536),
  ts: Timestamp.optional(),
  stream: z.enum(['stdout', 'stderr']).optional(),
});

/** The definition zod alone parses; the export below is it compiled, as RunEvent is (see run-event.ts). */
export const UncompiledLogBatch = z.strictObject({
  schema: z.literal(LOG_SCHEMA),
  event_id: z.string().min(1).max(200),
  source: Source,
  pipeline: z.strictObject({ id: z.string().min(1).max(300) }),
  run: z.strictObject({ id: z.string().min(1).max(200) }),
  step: z.string().max(500).optional(),
  lines: z.array(LogLine).min(1).max(MAX_LOG_LINES),
});
export const LogBatch = z.compile(UncompiledLogBatch);
export type LogBatch = z.infer<typeof LogBatch>;
