import { createReadStream } from 'node:fs';
import { mkdir, open, rename, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { decodeBaseline } from '../domain/baseline-codec.js';
import type { PipelineBaseline } from '../domain/baseline.js';
import type { BaselineStore } from './baseline-store-port.js';
import { bytesFromText, bytesToText } from './baseline-text.js';
import { EncodedBaselines } from './encoded-baselines.js';

export interface FileBaselineStoreOptions {
  path: string;
  /** Rewrite the log when it holds this many times more records than pipelines. */
  compactFactor?: number;
}

/**
 * Baselines for the embedded default, kept as an append-only changelog, one line
 * per record (the encoded baseline in base64, as on the Kafka changelog topic):
 * each put appends the pipeline's whole baseline, the last line per pipeline wins,
 * and the file is compacted on open and whenever it has grown well past the live set.
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
      const lines = many.map((baseline) => `${bytesToText(baselines.put(baseline))}\n`);
      await handle.appendFile(lines.join(''));
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

async function readChangelog(path: string): Promise<EncodedBaselines> {
  const baselines = new EncodedBaselines();
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
      // Lines of older format versions (JSON up to version 3) are dropped: those pipelines re-learn.
      const bytes = bytesFromText(line);
      if (bytes) baselines.putEncoded(decodeBaseline(bytes).pipeline_id, bytes);
    } catch {
      // A torn last line from a crash mid-append: the previous record for that pipeline stands.
    }
  }
  return baselines;
}

/** Writes the live set to a new file and swaps it in atomically; returns a handle for appends. */
async function rewrite(path: string, baselines: EncodedBaselines): Promise<FileHandle> {
  const temporary = `${path}.tmp`;
  const out = await open(temporary, 'w');
  for (const [, encoded] of baselines.entries()) await out.write(`${bytesToText(encoded)}\n`);
  await out.sync();
  await out.close();
  await rename(temporary, path);
  return open(path, 'a');
}
