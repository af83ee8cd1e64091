import type { DeliveryStats } from './delivery.js';

export interface StatusLine {
  /** Redraws the line (at most every `minIntervalMs`), unless the cursor is mid-line of the command's output. */
  update(stats: DeliveryStats): void;
  /** Wipes the line before the command's output is written, so the two never mix. */
  beforeOutput(): void;
  /** Tells whether the output just written ended a line: only then may the status be drawn again. */
  afterOutput(chunk: Buffer | string): void;
  /** Wipes the line for good. */
  close(): void;
}

export interface StatusStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

const CLEAR = '\r\x1b[K';

export function formatStatus(stats: DeliveryStats): string {
  const collector =
    stats.state === 'down' ? 'collector down, spooling' : stats.state === 'retrying' ? 'collector retrying' : stats.state === 'up' ? 'collector up' : 'collector not yet reached';
  const spooled = stats.spooled > 0 ? `, ${stats.spooled} spooled` : '';
  return `pipewatch: ${stats.sentLines} lines shipped, ${stats.pendingLines} pending${spooled}, ${collector}`;
}

/**
 * A one-line status on a terminal, rewritten in place with \r. On anything that is not
 * a TTY (every CI log) it writes nothing at all.
 */
export function createStatusLine(stream: StatusStream | undefined, minIntervalMs = 250, now: () => number = Date.now): StatusLine {
  if (!stream?.isTTY) return { update() {}, beforeOutput() {}, afterOutput() {}, close() {} };
  let shown = false;
  let atLineStart = true;
  let lastDraw = 0;
  return {
    update(stats) {
      if (!atLineStart || now() - lastDraw < minIntervalMs) return;
      lastDraw = now();
      stream.write(`${CLEAR}${formatStatus(stats)}`);
      shown = true;
    },
    beforeOutput() {
      if (shown) stream.write(CLEAR);
      shown = false;
    },
    afterOutput(chunk) {
      const last = typeof chunk === 'string' ? chunk.at(-1) : chunk.length > 0 ? String.fromCharCode(chunk[chunk.length - 1]!) : undefined;
      if (last !== undefined) atLineStart = last === '\n';
    },
    close() {
      if (shown) stream.write(CLEAR);
      shown = false;
    },
  };
}
