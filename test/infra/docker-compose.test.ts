import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { ConfigSchema } from '@pipewatch/shared';
import { ELASTICSEARCH_VERSION, KAFKA_VERSION } from '@pipewatch/infra';
import { buildProgram } from '@pipewatch/cli';

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

interface ComposeService {
  image?: string;
  build?: string | { context: string };
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
}

/**
 * No Docker engine runs here, so docker-compose.yml is kept honest by checking it
 * against the code: commands, variable names, ports, versions and references.
 */
describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(root('docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, ComposeService>;
    volumes?: Record<string, unknown>;
  };
  const services = compose.services;
  const ours = Object.entries(services).filter(([, service]) => service.build !== undefined);

  it('has Kafka, Elasticsearch, Kibana, a setup job and the three pipewatch services', () => {
    assert.deepEqual(Object.keys(services).sort(), ['alerter', 'collector', 'detector', 'elasticsearch', 'kafka', 'kibana', 'setup']);
    assert.ok(existsSync(root('Dockerfile')), 'the services are built from ./Dockerfile');
  });

  it('runs each pipewatch service with a command the CLI really has', () => {
    const commands = new Set(buildProgram().commands.map((command) => command.name()));
    assert.deepEqual(ours.map(([name]) => name).sort(), ['alerter', 'collector', 'detector', 'setup']);
    for (const [name, service] of ours) {
      assert.ok(service.command?.[0] && commands.has(service.command[0]), `${name} runs "${service.command?.join(' ')}"`);
    }
  });

  it('sets only environment variables pipewatch reads', () => {
    const known = new Set(Object.keys(ConfigSchema.shape));
    for (const [name, service] of ours) {
      for (const variable of Object.keys(service.environment ?? {})) {
        assert.ok(known.has(variable), `${name} sets ${variable}, which no code reads`);
      }
    }
  });

  it('publishes the collector on the port it listens on, and requires a token since it binds all interfaces', () => {
    const collector = services.collector!;
    const port = collector.environment?.PORT;
    assert.ok(collector.ports?.some((mapping) => mapping.endsWith(`:${port}`)));
    assert.equal(collector.environment?.PIPEWATCH_HOST, '0.0.0.0');
    assert.match(collector.environment?.PIPEWATCH_INGEST_TOKENS ?? '', /:\?/, 'compose must refuse to start without a token');
  });

  it('points the services at the Kafka and Elasticsearch services it defines', () => {
    for (const [name, service] of ours) {
      assert.equal(service.environment?.KAFKA_BROKERS, 'kafka:9092', name);
      assert.equal(service.environment?.ELASTICSEARCH_URL, 'http://elasticsearch:9200', name);
    }
    assert.match(services.kafka!.environment?.KAFKA_ADVERTISED_LISTENERS ?? '', /PLAINTEXT:\/\/kafka:9092/);
  });

  it('uses the same server versions the tests run against', () => {
    assert.equal(services.kafka!.image, `apache/kafka:${KAFKA_VERSION}`);
    assert.ok(services.elasticsearch!.image!.endsWith(`:${ELASTICSEARCH_VERSION}`));
    assert.ok(services.kibana!.image!.endsWith(`:${ELASTICSEARCH_VERSION}`));
  });

  it('only depends on services and volumes it declares, and starts pipewatch after setup', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const dependency of Object.keys(service.depends_on ?? {})) assert.ok(services[dependency], `${name} depends on ${dependency}`);
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (!source.startsWith('.') && !source.startsWith('/')) assert.ok(compose.volumes?.[source] !== undefined, `${name} mounts ${source}`);
      }
    }
    for (const name of ['collector', 'detector', 'alerter']) {
      assert.equal(services[name]!.depends_on?.setup?.condition, 'service_completed_successfully', name);
    }
  });
});
