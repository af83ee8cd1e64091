import { readFile } from 'node:fs/promises';
import { PermanentError } from '@pipewatch/shared';
import { z } from 'zod';
import { writeFileAtomic } from '../fs/write-file-atomic.js';
import { Suppression, newSuppressionId, type NewSuppression } from './suppression.js';
import type { SuppressionStore } from './suppression-store.js';

const SuppressionsFile = z.strictObject({ suppressions: z.array(Suppression) });

/**
 * Suppressions in one JSON file (`$PIPEWATCH_DATA_DIR/suppressions.json`),
 * replaced atomically on every change, so the alerter reading it while the CLI
 * writes it sees a whole file. A missing file is an empty list.
 */
export function createFileSuppressionStore(options: { path: string; now?: () => Date }): SuppressionStore {
  const { path } = options;
  const now = options.now ?? (() => new Date());

  async function read(): Promise<Suppression[]> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const parsed = SuppressionsFile.safeParse(JSON.parse(text));
    if (!parsed.success) throw new PermanentError('invalid_suppressions_file', `${path} is not a pipewatch suppressions file: ${parsed.error.issues[0]?.message ?? ''}`);
    return parsed.data.suppressions;
  }

  const write = (suppressions: Suppression[]): Promise<void> => writeFileAtomic(path, `${JSON.stringify({ suppressions }, null, 2)}\n`);

  return {
    list: read,
    async add(input: NewSuppression) {
      const suppression = Suppression.parse({ ...input, id: newSuppressionId(), created_at: now().toISOString() });
      await write([...(await read()), suppression]);
      return suppression;
    },
    async remove(id) {
      const current = await read();
      const kept = current.filter((suppression) => suppression.id !== id);
      if (kept.length === current.length) return false;
      await write(kept);
      return true;
    },
  };
}
