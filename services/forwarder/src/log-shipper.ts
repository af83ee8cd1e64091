import type { LogBatch } from '@pipewatch/shared';

export type LogLine = LogBatch['lines'][number];

export interface LogShipper {
  add(line: LogLine): void;
  /** Cuts a batch now from whatever is buffered. */
  flush(): void;
  /** Flushes and stops the timer. */
  close(): void;
  readonly linesAdded: number;
}

export interface LogShipperOptions {
  maxLines: number;
  /** A batch is cut this long after its first line at the latest. */
  intervalMs: number;
  /** Keeps a batch well under the collector's body limit even with long lines. */
  maxBytes?: number;
  emit: (lines: LogLine[]) => void;
}

/** Groups lines into batches of up to `maxLines`, cut at least every `intervalMs`. */
export function createLogShipper(options: LogShipperOptions): LogShipper {
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  let buffer: LogLine[] = [];
  let bytes = 0;
  let added = 0;
  let timer: NodeJS.Timeout | undefined;

  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (buffer.length === 0) return;
    const lines = buffer;
    buffer = [];
    bytes = 0;
    options.emit(lines);
  };

  return {
    add(line) {
      added += 1;
      buffer.push(line);
      bytes += line.text.length + 64;
      if (buffer.length >= options.maxLines || bytes >= maxBytes) return flush();
      if (!timer) {
        timer = setTimeout(flush, options.intervalMs);
        timer.unref();
      }
    },
    flush,
    close: flush,
    get linesAdded() {
      return added;
    },
  };
}
