import { open, stat } from 'node:fs/promises';

export interface NdjsonTail {
  /**
   * Hands `onLine` every complete line appended since the last call. When the file
   * was replaced (compaction renames a new one in) or truncated, `onReset` is
   * called first and the file is read from its start. A missing file is empty.
   */
  read(onLine: (line: string) => void, onReset: () => void): Promise<void>;
}

const CHUNK_BYTES = 1 << 20;

/**
 * Follows an append-only NDJSON file by byte offset, so each refresh costs what
 * was appended, not the whole file. A torn last line (a writer mid-append) is
 * left for the next call.
 */
export function createNdjsonTail(path: string): NdjsonTail {
  let inode: number | undefined;
  let offset = 0;
  let running: Promise<void> | undefined;

  async function readNew(onLine: (line: string) => void, onReset: () => void): Promise<void> {
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      if (inode !== undefined) onReset();
      inode = undefined;
      offset = 0;
      return;
    }
    if (info.ino !== inode || info.size < offset) {
      if (inode !== undefined) onReset();
      inode = info.ino;
      offset = 0;
    }
    if (info.size === offset) return;
    const handle = await open(path, 'r');
    try {
      // The handle pins the inode: a rename during the read cannot mix two files.
      if ((await handle.stat()).ino !== inode) return;
      let pending = Buffer.alloc(0);
      const buffer = Buffer.alloc(CHUNK_BYTES);
      for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, offset + pending.length);
        if (bytesRead === 0) break;
        pending = Buffer.concat([pending, buffer.subarray(0, bytesRead)]);
        let start = 0;
        for (let newline = pending.indexOf(0x0a, start); newline !== -1; newline = pending.indexOf(0x0a, start)) {
          const line = pending.subarray(start, newline).toString('utf8');
          if (line.trim() !== '') onLine(line);
          start = newline + 1;
        }
        offset += start;
        pending = pending.subarray(start);
      }
    } finally {
      await handle.close();
    }
  }

  return {
    read(onLine, onReset) {
      // One read at a time: two interleaved reads would hand out lines twice.
      const next = (running ?? Promise.resolve()).then(() => readNew(onLine, onReset));
      running = next.catch(() => undefined);
      return next;
    },
  };
}
