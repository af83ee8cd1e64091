import { baselineFromText, type PipelineBaseline } from '@pipewatch/detector';
import { createNdjsonTail } from '../files/ndjson-tail.js';
import type { BaselineReader } from './baseline-reader.js';

/**
 * The embedded default's baselines: the detector's file changelog
 * (`$PIPEWATCH_DATA_DIR/baselines.ndjson`), one whole encoded baseline (base64) per line, the last
 * line per pipeline winning. Followed by offset; a compaction (a new file renamed
 * in) is noticed by its inode and read afresh.
 */
export function createFileBaselineReader(options: { path: string; now?: () => Date }): BaselineReader {
  const now = options.now ?? (() => new Date());
  let baselines = new Map<string, PipelineBaseline>();
  let asOf: string | null = null;
  const tail = createNdjsonTail(options.path);

  async function refresh(): Promise<void> {
    await tail.read(
      (line) => {
        try {
          // Lines of older format versions give undefined and are left out, as the detector does.
          const baseline = baselineFromText(line);
          if (baseline) baselines.set(baseline.pipeline_id, baseline);
        } catch {
          // a torn line from a crash mid-append; the detector skips it too
        }
      },
      () => (baselines = new Map()),
    );
    asOf = now().toISOString();
  }

  return {
    async list() {
      await refresh();
      return [...baselines.values()];
    },
    async get(pipelineId) {
      await refresh();
      return baselines.get(pipelineId);
    },
    asOf: () => asOf,
  };
}
