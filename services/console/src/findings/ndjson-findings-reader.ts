import { Finding } from '@pipewatch/shared';
import { createNdjsonTail } from '../files/ndjson-tail.js';
import { createInMemoryFindingsReader } from './in-memory-findings-reader.js';
import type { FindingsReader } from './findings-reader.js';

export interface NdjsonFindingsReaderOptions {
  /** `$PIPEWATCH_DATA_DIR/findings.ndjson`, written by the alerter's file sink. */
  path: string;
  /** Newest findings kept in memory; older ones stay in the file only. Default 100,000. */
  maxFindings?: number;
}

/**
 * The embedded default's findings: the alerter's append-only file, followed by
 * offset so every request first picks up what was appended since the last one.
 */
export function createNdjsonFindingsReader(options: NdjsonFindingsReaderOptions): FindingsReader {
  const index = createInMemoryFindingsReader(options.maxFindings ? { maxFindings: options.maxFindings } : {});
  const tail = createNdjsonTail(options.path);
  const refresh = (): Promise<void> =>
    tail.read(
      (line) => {
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch {
          return; // a foreign line; the sink itself skips these too
        }
        const parsed = Finding.safeParse(value);
        if (parsed.success) index.add(parsed.data);
      },
      () => index.clear(),
    );

  return {
    async list(query) {
      await refresh();
      return index.list(query);
    },
    async get(findingId) {
      await refresh();
      return index.get(findingId);
    },
    async byPipeline() {
      await refresh();
      return index.byPipeline();
    },
  };
}
