import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError, SECRET_CONFIG_KEYS, loadConfig } from '@pipewatch/shared';
import { kafkaSecurity } from '../../services/cli/src/compose/kafka.js';
import { makeSelfSignedCert, type SelfSignedCert } from './helpers/self-signed-cert.js';

const TRANSPORT_NAMES = [
  'KAFKA_SSL',
  'KAFKA_SSL_CA_FILE',
  'KAFKA_SSL_CERT_FILE',
  'KAFKA_SSL_KEY_FILE',
  'KAFKA_SSL_REJECT_UNAUTHORIZED',
  'KAFKA_SASL_MECHANISM',
  'KAFKA_SASL_USERNAME',
  'KAFKA_SASL_PASSWORD',
  'ELASTICSEARCH_CA_FILE',
  'ELASTICSEARCH_TLS_REJECT_UNAUTHORIZED',
  'PIPEWATCH_TLS_CERT_FILE',
  'PIPEWATCH_TLS_KEY_FILE',
];

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  assert.fail('the configuration was accepted');
}

describe('transport security configuration', () => {
  let cert: SelfSignedCert;
  before(() => {
    cert = makeSelfSignedCert();
  });
  after(() => cert.remove());

  it('maps KAFKA_SSL* onto the Kafka client: plain TLS, a private CA, a client certificate, verification off', () => {
    assert.deepEqual(kafkaSecurity(loadConfig({})), {});
    assert.deepEqual(kafkaSecurity(loadConfig({ KAFKA_SSL: 'true' })), { ssl: true });
    const withCa = kafkaSecurity(loadConfig({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: cert.certFile }));
    assert.deepEqual(withCa.ssl, { ca: [cert.cert], rejectUnauthorized: true });
    const mutual = kafkaSecurity(loadConfig({ KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: cert.certFile, KAFKA_SSL_KEY_FILE: cert.keyFile }));
    assert.deepEqual(mutual.ssl, { cert: cert.cert, key: cert.key, rejectUnauthorized: true });
    assert.deepEqual(kafkaSecurity(loadConfig({ KAFKA_SSL: 'true', KAFKA_SSL_REJECT_UNAUTHORIZED: 'false' })).ssl, { rejectUnauthorized: false });
  });

  it('maps KAFKA_SASL_* onto the Kafka client for each mechanism', () => {
    for (const mechanism of ['plain', 'scram-sha-256', 'scram-sha-512'] as const) {
      const security = kafkaSecurity(loadConfig({ KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: 'pipewatch', KAFKA_SASL_PASSWORD: 'pw' }));
      assert.deepEqual(security, { sasl: { mechanism, username: 'pipewatch', password: 'pw' } });
    }
  });

  it('refuses half-set combinations, each by name', () => {
    assert.deepEqual(problems({ PIPEWATCH_TLS_CERT_FILE: 'c.pem' }), ['PIPEWATCH_TLS_KEY_FILE: required when PIPEWATCH_TLS_CERT_FILE is set']);
    assert.deepEqual(problems({ PIPEWATCH_TLS_KEY_FILE: 'k.pem' }), ['PIPEWATCH_TLS_CERT_FILE: required when PIPEWATCH_TLS_KEY_FILE is set']);
    assert.deepEqual(problems({ KAFKA_SSL_CA_FILE: 'ca.pem' }), ['KAFKA_SSL_CA_FILE: only used with KAFKA_SSL=true; set it too']);
    assert.deepEqual(problems({ KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: 'c.pem' }), ['KAFKA_SSL_KEY_FILE: required when KAFKA_SSL_CERT_FILE is set']);
    assert.deepEqual(problems({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u' }), ['KAFKA_SASL_PASSWORD: required when KAFKA_SASL_MECHANISM is set']);
    assert.match(problems({ KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' })[0]!, /^KAFKA_SASL_MECHANISM: required when/);
    assert.deepEqual(problems({ ELASTICSEARCH_USERNAME: 'elastic' }), ['ELASTICSEARCH_PASSWORD: required when ELASTICSEARCH_USERNAME is set']);
    assert.match(problems({ KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }).join('\n'), /^KAFKA_SASL_MECHANISM: /);
    assert.deepEqual(problems({ KAFKA_SSL: 'yes' }), ['KAFKA_SSL: must be true or false']);
    assert.deepEqual(problems({ ELASTICSEARCH_TLS_REJECT_UNAUTHORIZED: '0' }), ['ELASTICSEARCH_TLS_REJECT_UNAUTHORIZED: must be true or false']);
  });

  it('treats KAFKA_SASL_PASSWORD as a secret: never in a configuration error', () => {
    assert.ok(SECRET_CONFIG_KEYS.has('KAFKA_SASL_PASSWORD'));
    const password = 'sasl-password-must-not-print';
    const message = problems({ KAFKA_SASL_PASSWORD: password, KAFKA_SASL_USERNAME: 'u', PORT: 'x' }).join('\n');
    assert.ok(!message.includes(password));
  });

  it('fails at start on an unreadable file, naming the variable', () => {
    assert.throws(() => kafkaSecurity(loadConfig({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: `${cert.dir}/nope.pem` })), /KAFKA_SSL_CA_FILE: cannot read .*nope\.pem \(ENOENT\)/);
  });

  it('documents every transport variable in the README configuration table, and has a Security section before Architecture', () => {
    const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
    for (const name of TRANSPORT_NAMES) assert.match(readme, new RegExp(`^\\| [^\\n]*\`${name}\``, 'm'), `${name} in the configuration table`);
    const security = readme.indexOf('\n## Security');
    assert.ok(security > 0 && security < readme.indexOf('\n## Architecture'), 'a Security section just before Architecture');
  });
});
