import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { createKafkaBus, loadConfig, silentLogger, topicNames, type IncomingMessage } from '@pipewatch/shared';
import { kafkaSecurity } from '../../services/cli/src/compose/kafka.js';
import { PIPEWATCH_BIN, spawnPipewatch, type RunningChild } from '../helpers/spawn-pipewatch.js';
import { waitFor } from '../helpers/wait-for.js';
import { startSaslKafka, type SaslKafka } from './helpers/sasl-kafka.js';

const USERS = { admin: `admin-${randomUUID()}`, pipewatch: `pw-${randomUUID()}` };
const WRONG = `wrong-${randomUUID()}`;

/** Runs a pipewatch service expected to fail at start; its exit code and stderr. */
async function failedStart(role: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string; ms: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, [PIPEWATCH_BIN, role], { env: { PATH: process.env.PATH ?? '', PORT: '0', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, stderr, ms: Date.now() - started };
}

describe('Kafka over SASL/PLAIN against a real broker @integration', function () {
  this.timeout(180_000);
  let broker: SaslKafka;
  let collector: RunningChild | undefined;
  const prefix = `sasl${randomUUID().slice(0, 6)}.`;
  const env = (password: string): Record<string, string> => ({
    KAFKA_BROKERS: broker.saslBrokers,
    KAFKA_SASL_MECHANISM: 'plain',
    KAFKA_SASL_USERNAME: 'pipewatch',
    KAFKA_SASL_PASSWORD: password,
    PIPEWATCH_TOPIC_PREFIX: prefix,
    PIPEWATCH_KAFKA_PARTITIONS: '1',
  });

  before(async function () {
    this.timeout(150_000);
    broker = await startSaslKafka(USERS);
  });
  after(async () => {
    await collector?.stop('SIGKILL');
    await broker?.stop();
  });

  it('pipewatch collector connects with the configured password, and what it publishes is read back over SASL', async () => {
    collector = await spawnPipewatch(['collector'], env(USERS.pipewatch), 'collector started', 90_000);
    const eventId = `sasl-${randomUUID()}`;
    const response = await fetch(`${collector.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ schema: 'pipewatch.run/v1', event_id: eventId, source: 'generic', occurred_at: '2025-03-01T12:00:00Z', pipeline: { id: 'sasl:p' }, run: { id: '1' } }),
    });
    assert.equal(response.status, 202, await response.text());

    // The reader's options come from the same config mapping the services use.
    const security = kafkaSecurity(loadConfig(env(USERS.pipewatch)));
    assert.deepEqual(security.sasl, { mechanism: 'plain', username: 'pipewatch', password: USERS.pipewatch });
    const reader = await createKafkaBus({ brokers: [broker.saslBrokers], clientId: 'sasl-reader', logger: silentLogger(), ...security });
    const read: IncomingMessage[] = [];
    try {
      await waitFor(async () => {
        await reader.readToEnd(topicNames(prefix).runs, [0], (message) => read.push(message));
        return read.some((message) => message.value.includes(eventId));
      }, 'the event on the runs topic', 30_000);
    } finally {
      await reader.close();
    }
    assert.ok(!JSON.stringify(collector.logs).includes(USERS.pipewatch), 'the SASL password never reaches the logs');
  });

  it('pipewatch collector with a wrong password fails at start, saying SASL authentication failed, without printing either password', async () => {
    const { code, stderr, ms } = await failedStart('collector', env(WRONG));
    assert.notEqual(code, 0);
    assert.match(stderr, /SASL PLAIN authentication failed: Authentication failed: Invalid username or password/);
    assert.ok(!stderr.includes(WRONG) && !stderr.includes(USERS.pipewatch), 'a password in the output');
    assert.ok(ms < 45_000, `took ${ms} ms to fail`);
  });

  it('the SASL listener refuses a client without credentials', async () => {
    await assert.rejects(createKafkaBus({ brokers: [broker.saslBrokers], clientId: 'no-sasl', logger: silentLogger() }), /Closed connection|SASL|connection/i);
  });
});
