import { createReadStream } from 'node:fs';
import { mkdir, open, rename, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { isCurrentBaseline, type PipelineBaseline } from '../domain/baseline.js';
import type { BaselineStore } from './baseline-store-port.js';

export interface FileBaselineStoreOptions {
  path: string;
  /** Rewrite the log when it holds this many times more records than pipelines. */
  compactFactor?: number;
}

/**
 * Baselines for the embedded default, kept as an append-only changelog of JSON
 * lines (the same shape as the Kafka changelog topic): each put appends the
 * pipeline's whole baseline, the last line per pipeline wins, and the file is
 * compacted on open and whenever it has grown well past the live set.
 */
export async function createFileBaselineStore(options: FileBaselineStoreOptions): Promise<BaselineStore> {
  const compactFactor = options.compactFactor ?? 4;
  await mkdir(dirname(options.path), { recursive: true });
  const baselines = await readChangelog(options.path);
  let records = baselines.size;
  let handle: FileHandle = await rewrite(options.path, baselines);
  let chain: Promise<void> = Promise.resolve();

  // Appends are serialised so lines never interleave and a compaction never races a put.
  const enqueue = (task: () => Promise<void>): Promise<void> => {
    const next = chain.then(task);
    chain = next.catch(() => undefined);
    return next;
  };

  // One append per call: a batch's baselines cost one write, not one per pipeline.
  const putMany = (many: readonly PipelineBaseline[]): Promise<void> =>
    enqueue(async () => {
      if (many.length === 0) return;
      for (const baseline of many) baselines.set(baseline.pipeline_id, baseline);
      await handle.appendFile(many.map((baseline) => `${JSON.stringify(baseline)}\n`).join(''));
      records += many.length;
      if (records > compactFactor * Math.max(baselines.size, 64)) {
        await handle.close();
        handle = await rewrite(options.path, baselines);
        records = baselines.size;
      }
    });

  return {
    get: async (pipelineId) => baselines.get(pipelineId),
    put: (baseline) => putMany([baseline]),
    putMany,
    size: () => baselines.size,
    close: () =>
      enqueue(async () => {
        await handle.sync();
        await handle.close();
      }),
  };
}

async function readChangelog(path: string): Promise<Map<string, PipelineBaseline>> {
  const baselines = new Map<string, PipelineBaseline>();
  let stream;
  try {
    stream = createReadStream(path, { encoding: 'utf8' });
    await new Promise<void>((resolve, reject) => {
      stream!.once('open', () => resolve());
      stream!.once('error', reject);
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return baselines;
    throw error;
  }
  for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
    if (line.trim() === '') continue;
    try {
      const baseline: unknown = JSON.parse(line);
      if (isCurrentBaseline(baseline) && typeof baseline.pipeline_id === 'string') baselines.set(baseline.pipeline_id, baseline);
    } catch {
      // A torn last line from a crash mid-append: the previous record for that pipeline stands.
    }
  }
  return baselines;
}

/** Writes the live set to a new file and swaps it in atomically; returns a handle for appends. */
async function rewrite(path: string, baselines: Map<string, PipelineBaseline>): Promise<FileHandle> {
  const temporary = `${path}.tmp`;
  const out = await open(temporary, 'w');
  for (const baseline of baselines.values()) await out.write(`${JSON.stringify(baseline)}\n`);
  await out.sync();
  await out.close();
  await rename(temporary, path);
  return open(path, 'a');
}
