import { logExcerpt } from './log-excerpt.js';
import type { ServerProcess } from './server-process.js';
import { sleep } from './sleep.js';

/**
 * Polls `probe` until it passes. If the server exits or the timeout passes first, the
 * server is stopped and the error quotes its log's tail, read before stop deletes it.
 */
export async function waitForReady(
  server: ServerProcess,
  name: string,
  probe: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (server.hasExited()) {
      const exit = await server.exited;
      const tail = logExcerpt(server.logFile);
      await server.stop();
      const how = exit.signal === null ? `exit code ${exit.code}` : `signal ${exit.signal}`;
      throw new Error(`${name} exited during startup (${how}). Log:\n${tail}`);
    }
    if (await probe()) return;
    if (Date.now() - started > timeoutMs) {
      const tail = logExcerpt(server.logFile);
      await server.stop();
      throw new Error(`${name} not ready after ${Math.round(timeoutMs / 1000)} s. Log:\n${tail}`);
    }
    await sleep(250);
  }
}
