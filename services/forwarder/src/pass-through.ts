import type { Readable, Writable } from 'node:stream';

/**
 * Copies `source` to `target` chunk by chunk, unchanged, pausing the source while the
 * target is full; `observe` sees every chunk after it was written. Resolves when the
 * source ends. A target that fails (a closed stdout) stops receiving, but the source
 * is still drained so the command never blocks on a full pipe.
 */
export function passThrough(source: Readable, target: Writable, observe: (chunk: Buffer) => void, before?: () => void): Promise<void> {
  let targetBroken = false;
  const onTargetError = (): void => {
    targetBroken = true;
    source.resume();
  };
  target.on('error', onTargetError);
  return new Promise((resolve) => {
    const done = (): void => {
      target.off('error', onTargetError);
      resolve();
    };
    source.on('data', (data: Buffer | string) => {
      const chunk = typeof data === 'string' ? Buffer.from(data) : data;
      if (!targetBroken) {
        before?.();
        const ok = target.write(chunk);
        if (!ok) {
          source.pause();
          target.once('drain', () => source.resume());
        }
      }
      observe(chunk);
    });
    source.once('end', done);
    source.once('close', done);
    source.once('error', done);
  });
}
