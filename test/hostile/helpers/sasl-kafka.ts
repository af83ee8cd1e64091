import { createServer } from 'node:net';
import { startLocalKafka, type LocalKafka } from '@pipewatch/infra';

export interface SaslKafka {
  /** bootstrap address of the SASL_PLAINTEXT listener. */
  saslBrokers: string;
  kafka: LocalKafka;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A second local Kafka whose clients' listener requires SASL/PLAIN. The broker
 * keeps a PLAINTEXT listener for itself (inter-broker traffic and startLocalKafka's
 * readiness probe, which speaks no SASL) and the KRaft controller listener; a
 * client bootstrapping from the SASL port is only ever told about the SASL port
 * (advertised listeners are per listener), so every client byte goes through it.
 */
export async function startSaslKafka(users: Record<string, string>): Promise<SaslKafka> {
  const [port, controllerPort, saslPort] = [await freePort(), await freePort(), await freePort()];
  const jaasUsers = Object.entries(users)
    .map(([user, password]) => `user_${user}="${password}"`)
    .join(' ');
  const [admin, adminPassword] = Object.entries(users)[0]!;
  const kafka = await startLocalKafka({
    port,
    controllerPort,
    properties: {
      listeners: `PLAINTEXT://127.0.0.1:${port},SASL_PLAINTEXT://127.0.0.1:${saslPort},CONTROLLER://127.0.0.1:${controllerPort}`,
      'advertised.listeners': `PLAINTEXT://127.0.0.1:${port},SASL_PLAINTEXT://127.0.0.1:${saslPort}`,
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT',
      'inter.broker.listener.name': 'PLAINTEXT',
      'sasl.enabled.mechanisms': 'PLAIN',
      'sasl.mechanism.inter.broker.protocol': 'PLAIN',
      'listener.name.sasl_plaintext.sasl.enabled.mechanisms': 'PLAIN',
      'listener.name.sasl_plaintext.plain.sasl.jaas.config': `org.apache.kafka.common.security.plain.PlainLoginModule required username="${admin}" password="${adminPassword}" ${jaasUsers};`,
    },
  });
  return { saslBrokers: `127.0.0.1:${saslPort}`, kafka, stop: () => kafka.stop() };
}
