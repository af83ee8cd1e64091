import assert from 'node:assert/strict';
import { ConfigError, PermanentError, SECRET_CONFIG_KEYS, loadConfig } from '@pipewatch/shared';

function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('loadConfig accepted a bad environment');
}

describe('loadConfig', () => {
  it('fills every default from an empty environment', () => {
    const config = loadConfig({});
    assert.equal(config.PORT, 8080);
    assert.equal(config.PIPEWATCH_DATA_DIR, './.pipewatch');
    assert.equal(config.PIPEWATCH_LOG_LEVEL, 'info');
    assert.equal(config.PIPEWATCH_MAX_BODY_BYTES, 5 * 1024 * 1024);
    assert.equal(config.PIPEWATCH_DEDUPE_CAPACITY, 100_000);
    assert.equal(config.PIPEWATCH_MIN_RUNS, 10);
    assert.equal(config.PIPEWATCH_WEBHOOK_TIMEOUT_MS, 5_000);
    assert.equal(config.PIPEWATCH_WEBHOOK_RETRIES, 6);
    assert.equal(config.PIPEWATCH_TOPIC_PREFIX, 'pipewatch.');
    for (const optional of ['PIPEWATCH_HOST', 'PIPEWATCH_INGEST_TOKENS', 'PIPEWATCH_WEBHOOK_URL', 'PIPEWATCH_WEBHOOK_SECRET', 'KAFKA_BROKERS', 'ELASTICSEARCH_URL', 'PIPEWATCH_SLACK_WEBHOOK_URL'] as const) {
      assert.equal(config[optional], undefined, optional);
    }
  });

  it('reads and coerces set variables, ignoring ones it does not know', () => {
    const config = loadConfig({
      PORT: '0',
      PIPEWATCH_LOG_LEVEL: 'debug',
      PIPEWATCH_MIN_RUNS: '25',
      PIPEWATCH_WEBHOOK_URL: 'https://hooks.example.com/pipewatch',
      ELASTICSEARCH_URL: 'http://127.0.0.1:9200',
      PIPEWATCH_TOPIC_PREFIX: 'staging.pipewatch.',
      HOME: '/root',
    });
    assert.equal(config.PORT, 0);
    assert.equal(config.PIPEWATCH_LOG_LEVEL, 'debug');
    assert.equal(config.PIPEWATCH_MIN_RUNS, 25);
    assert.equal(config.PIPEWATCH_WEBHOOK_URL, 'https://hooks.example.com/pipewatch');
    assert.equal(config.ELASTICSEARCH_URL, 'http://127.0.0.1:9200');
    assert.equal(config.PIPEWATCH_TOPIC_PREFIX, 'staging.pipewatch.');
    assert.ok(!('HOME' in config));
  });

  it('reports every bad variable in one ConfigError', () => {
    const error = configError({ PORT: 'abc', PIPEWATCH_LOG_LEVEL: 'loud', PIPEWATCH_WEBHOOK_URL: 'ftp://x' });
    assert.ok(error instanceof PermanentError);
    assert.equal(error.code, 'bad_config');
    assert.equal(error.problems.length, 3);
    for (const name of ['PORT', 'PIPEWATCH_LOG_LEVEL', 'PIPEWATCH_WEBHOOK_URL']) {
      assert.ok(error.problems.some((problem) => problem.startsWith(`${name}:`)), `${name} missing from ${error.problems.join(' | ')}`);
      assert.match(error.message, new RegExp(`\\b${name}:`));
    }
  });

  it('rejects out-of-range numbers', () => {
    const error = configError({ PORT: '70000', PIPEWATCH_MIN_RUNS: '1', PIPEWATCH_MAX_BODY_BYTES: '-5', PIPEWATCH_WEBHOOK_RETRIES: '2.5' });
    assert.deepEqual(
      error.problems.map((problem) => problem.split(':')[0]).sort(),
      ['PIPEWATCH_MAX_BODY_BYTES', 'PIPEWATCH_MIN_RUNS', 'PIPEWATCH_WEBHOOK_RETRIES', 'PORT'],
    );
  });

  it('never prints the value of a bad secret variable', () => {
    const secret = 'hunter2hunter2!'; // 15 characters: one short of the minimum
    const slack = 'ftp://hooks.slack.com/services/T0AAAAAAA/B0BBBBBBB/XXXXXXXXXXXXXXXXXXXXXXXX';
    assert.ok(SECRET_CONFIG_KEYS.has('PIPEWATCH_WEBHOOK_SECRET') && SECRET_CONFIG_KEYS.has('PIPEWATCH_SLACK_WEBHOOK_URL'));
    const error = configError({ PIPEWATCH_WEBHOOK_SECRET: secret, PIPEWATCH_SLACK_WEBHOOK_URL: slack, PORT: 'abc' });
    assert.equal(error.problems.length, 3);
    const everything = [error.message, ...error.problems, String(error.stack)].join('\n');
    assert.match(everything, /PIPEWATCH_WEBHOOK_SECRET:/);
    assert.match(everything, /PIPEWATCH_SLACK_WEBHOOK_URL:/);
    assert.ok(!everything.includes(secret), 'the webhook secret leaked into the error');
    assert.ok(!everything.includes('hooks.slack.com'), 'the Slack webhook URL leaked into the error');
    assert.ok(!everything.includes('XXXXXXXX'), 'part of the Slack webhook URL leaked into the error');
  });

  it('treats empty and blank strings as unset', () => {
    const config = loadConfig({ PORT: '', PIPEWATCH_LOG_LEVEL: '   ', PIPEWATCH_WEBHOOK_URL: '', PIPEWATCH_INGEST_TOKENS: '', PIPEWATCH_WEBHOOK_SECRET: '' });
    assert.equal(config.PORT, 8080);
    assert.equal(config.PIPEWATCH_LOG_LEVEL, 'info');
    assert.equal(config.PIPEWATCH_WEBHOOK_URL, undefined);
    assert.equal(config.PIPEWATCH_INGEST_TOKENS, undefined);
    assert.equal(config.PIPEWATCH_WEBHOOK_SECRET, undefined);
  });

  it('splits token and broker lists on commas, trimming blanks and dropping empty items', () => {
    const config = loadConfig({
      PIPEWATCH_INGEST_TOKENS: 'tok-ci-7f3a9c, tok-agent-b81e ,,tok-jenkins-0c4d,',
      KAFKA_BROKERS: 'kafka-1:9092,kafka-2:9092',
    });
    assert.deepEqual(config.PIPEWATCH_INGEST_TOKENS, ['tok-ci-7f3a9c', 'tok-agent-b81e', 'tok-jenkins-0c4d']);
    assert.deepEqual(config.KAFKA_BROKERS, ['kafka-1:9092', 'kafka-2:9092']);
  });
});
