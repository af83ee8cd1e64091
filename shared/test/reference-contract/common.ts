import { z } from 'zod';

/** RFC 3339 time with a timezone (Z or ±hh:mm), as the contract requires. */
export const Timestamp = z.iso.datetime({ offset: true });

export const Source = z.enum(['github-actions', 'gitlab-ci', 'jenkins', 'agent', 'generic']);
export type Source = z.infer<typeof Source>;

export const NonNegative = z.number().finite().nonnegative();

export const PipelineRef = z.strictObject({
  id: z.string().min(1).max(300),
  name: z.string().max(500).optional(),
  repository: z.string().max(500).optional(),
  job: z.string().max(500).optional(),
});
export type PipelineRef = z.infer<typeof PipelineRef>;
