import { StringDecoder } from 'node:string_decoder';

/** The contract's limit on one log line's text; longer lines are shipped in pieces. */
export const MAX_LINE_CHARS = 65_536;

export interface LineSplitter {
  write(chunk: Buffer | string): void;
  /** Emits a last line that had no newline. */
  end(): void;
}

/**
 * Cuts a byte stream into text lines for shipping. UTF-8 sequences split across chunks
 * are decoded whole; `\r\n` counts as one line end. The pass-through copy never goes
 * through here, so what the job log shows is byte-for-byte what the command wrote.
 */
export function createLineSplitter(onLine: (text: string) => void): LineSplitter {
  const decoder = new StringDecoder('utf8');
  let partial = '';

  const emit = (line: string): void => {
    const text = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (text.length <= MAX_LINE_CHARS) return onLine(text);
    for (let at = 0; at < text.length; at += MAX_LINE_CHARS) onLine(text.slice(at, at + MAX_LINE_CHARS));
  };

  const take = (text: string): void => {
    const pieces = (partial + text).split('\n');
    partial = pieces.pop() ?? '';
    for (const piece of pieces) emit(piece);
    // A line that never ends must not grow without bound.
    while (partial.length > MAX_LINE_CHARS) {
      onLine(partial.slice(0, MAX_LINE_CHARS));
      partial = partial.slice(MAX_LINE_CHARS);
    }
  };

  return {
    write(chunk) {
      take(typeof chunk === 'string' ? chunk : decoder.write(chunk));
    },
    end() {
      take(decoder.end());
      if (partial.length > 0) emit(partial);
      partial = '';
    },
  };
}
