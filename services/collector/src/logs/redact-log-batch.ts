import { redactLines, redactText, type LogBatch } from '@pipewatch/shared';
import { MAX_LINE_CHARS } from './split-text-lines.js';

export interface LogBatchRedaction {
  batch: LogBatch;
  counts: Record<string, number>;
  total: number;
}

/**
 * Masks secrets in a batch's lines (as one log, so a key printed over many lines
 * is caught) and in its step name. Each line keeps its timestamp and stream; a
 * line is cut back to the schema's limit only after it was redacted whole.
 */
export function redactLogBatch(batch: LogBatch, knownValues: readonly string[]): LogBatchRedaction {
  const lines = redactLines(
    batch.lines.map((line) => line.text),
    knownValues,
  );
  const counts = { ...lines.counts };
  let step = batch.step;
  if (step !== undefined) {
    const result = redactText(step, knownValues);
    step = result.text.slice(0, 500);
    for (const [kind, n] of Object.entries(result.counts)) counts[kind] = (counts[kind] ?? 0) + n;
  }
  const redacted: LogBatch = {
    ...batch,
    ...(step === undefined ? {} : { step }),
    lines: batch.lines.map((line, index) => ({ ...line, text: lines.lines[index]!.slice(0, MAX_LINE_CHARS) })),
  };
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
  return { batch: redacted, counts, total };
}
