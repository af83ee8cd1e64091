import { createHmac } from 'node:crypto';
import { verify } from '@octokit/webhooks-methods';
import { createInMemoryBus, silentLogger, topicNames } from '@pipewatch/shared';
import { buildCollectorApp, createBearerAuth, createEventDedupe } from '@pipewatch/collector';
import { createSharedSecretCheck } from '../../../services/collector/src/auth/shared-secret.js';

export interface TimingRow {
  check: string;
  tries: number;
  /** Mean and median nanoseconds per check for a guess right but for its last character. */
  correctPrefix: { meanNs: number; medianNs: number };
  /** The same for a guess wrong in its first character. */
  wrongFirst: { meanNs: number; medianNs: number };
}

const TOKEN = 'timing-probe-token-0123456789abcdef';

/** A guess that shares all but the last character, and one that differs in the first. */
function guesses(secret: string): [prefix: string, first: string] {
  const flip = (char: string): string => (char === 'x' ? 'y' : 'x');
  return [secret.slice(0, -1) + flip(secret.at(-1)!), flip(secret[0]!) + secret.slice(1)];
}

function stats(samples: bigint[]): { meanNs: number; medianNs: number } {
  const numbers = samples.map(Number).sort((a, b) => a - b);
  const mean = numbers.reduce((sum, n) => sum + n, 0) / numbers.length;
  return { meanNs: Math.round(mean), medianNs: numbers[Math.floor(numbers.length / 2)]! };
}

/** Alternates the two guesses so drift (GC, other load) hits both alike. */
async function probe(check: string, tries: number, run: (guess: string) => unknown | Promise<unknown>, pair: [string, string]): Promise<TimingRow> {
  const a: bigint[] = [];
  const b: bigint[] = [];
  for (let i = 0; i < 200; i++) await run(pair[i % 2]!);
  for (let i = 0; i < tries; i++) {
    for (const [guess, into] of i % 2 === 0 ? ([[pair[0], a], [pair[1], b]] as const) : ([[pair[1], b], [pair[0], a]] as const)) {
      const started = process.hrtime.bigint();
      await run(guess);
      into.push(process.hrtime.bigint() - started);
    }
  }
  return { check, tries, correctPrefix: stats(a), wrongFirst: stats(b) };
}

/**
 * Timing of every secret comparison the collector makes, for a correct-prefix
 * guess against a wrong-first-byte guess: printed by the fuzz bench, never
 * asserted (a timing assertion is flaky). Constant time is asserted by reading the
 * source instead (test/hostile/constant-time-compare.test.ts).
 */
export async function measureTokenTiming(tries: number): Promise<TimingRow[]> {
  const rows: TimingRow[] = [];
  const bearer = createBearerAuth([TOKEN]);
  rows.push(await probe('bearer token (createBearerAuth)', tries, (guess) => bearer.checkToken(guess), guesses(TOKEN)));
  const gitlab = createSharedSecretCheck(TOKEN);
  rows.push(await probe('GitLab token (createSharedSecretCheck)', tries, (guess) => gitlab(guess), guesses(TOKEN)));
  const body = JSON.stringify({ action: 'completed', probe: 'x'.repeat(200) });
  const signature = `sha256=${createHmac('sha256', TOKEN).update(body).digest('hex')}`;
  rows.push(await probe('GitHub signature (@octokit/webhooks-methods verify)', tries, (guess) => verify(TOKEN, body, guess), guesses(signature)));

  const app = buildCollectorApp({
    bus: createInMemoryBus(),
    topics: topicNames('timing.'),
    logger: silentLogger(),
    tokens: [TOKEN],
    maxBodyBytes: 65_536,
    dedupe: createEventDedupe(10),
  });
  await app.ready();
  const [prefix, first] = guesses(TOKEN);
  rows.push(
    await probe('POST /v1/events bearer, end to end (app.inject)', tries, (guess) =>
      app.inject({ method: 'POST', url: '/v1/events', headers: { authorization: `Bearer ${guess}`, 'content-type': 'application/json' }, payload: '{}' }),
      [prefix, first],
    ),
  );
  await app.close();
  return rows;
}
