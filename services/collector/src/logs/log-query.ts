import { z } from 'zod';
import { Source } from '@pipewatch/shared';

/** The query of a text/plain log upload: which run and step the lines belong to. */
export const TextLogQuery = z.strictObject({
  pipeline: z.string().min(1).max(300),
  run: z.string().min(1).max(200),
  step: z.string().min(1).max(500).optional(),
  /** The sender's own id for this chunk: makes the event id independent of the content. */
  batch: z.string().min(1).max(200).optional(),
  source: Source.default('generic'),
});
export type TextLogQuery = z.infer<typeof TextLogQuery>;
