import { z } from 'zod';

/**
 * Keys that name JavaScript's prototype machinery. As data they are harmless to
 * JSON.parse, but any consumer that merges or assigns a record into an object can
 * be steered by them, so the contract refuses them in every free-form record.
 */
export const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

const refusal = (key: string): string => `key ${JSON.stringify(key)} is not allowed: it names JavaScript prototype machinery`;

/** A record key of at most `max` characters (at least `min`) that is not one of PROTOTYPE_KEYS. */
export function recordKey(max: number, min = 0): z.ZodString {
  return z
    .string()
    .min(min)
    .max(max)
    .refine((key) => !PROTOTYPE_KEYS.has(key), { error: (issue) => refusal(String(issue.input)) });
}

/**
 * z.record with refused prototype keys reported as issues at the key's path.
 * zod skips an own `__proto__` key before the key schema sees it (it would drop it
 * silently), so that one is caught on the raw input first; `constructor` and
 * `prototype` reach the key schema, whose message the record passes on instead of
 * zod's generic "Invalid key in record".
 */
export function SafeRecord<V extends z.ZodType>(key: z.ZodString, value: V) {
  const record = z.record(key, value, {
    error: (issue) => (issue.code === 'invalid_key' ? issue.issues?.[0]?.message : undefined),
  });
  return z.preprocess((input, context) => {
    if (input !== null && typeof input === 'object' && !Array.isArray(input) && Object.hasOwn(input, '__proto__')) {
      context.addIssue({ code: 'custom', message: refusal('__proto__'), path: ['__proto__'], input });
    }
    return input;
  }, record);
}
