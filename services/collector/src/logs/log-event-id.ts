import { createHash } from 'node:crypto';

/**
 * A deterministic id for (a part of) a text/plain upload, so a retried upload is
 * a duplicate: from the sender's `batch` id when given, else from the content.
 * The content is hashed after redaction, so the id never derives from a secret.
 */
export function textLogEventId(parts: {
  pipeline: string;
  run: string;
  step?: string | undefined;
  batch?: string | undefined;
  /** Which part of an upload too long for one batch. */
  part?: string | undefined;
  redactedLines: readonly string[];
}): string {
  const hash = createHash('sha256');
  for (const value of [parts.pipeline, parts.run, parts.step ?? '', parts.part ?? '']) hash.update(value).update('\u0000');
  if (parts.batch !== undefined) hash.update('batch\u0000').update(parts.batch);
  else hash.update('content\u0000').update(parts.redactedLines.join('\n'));
  return `log-${hash.digest('hex').slice(0, 40)}`;
}
