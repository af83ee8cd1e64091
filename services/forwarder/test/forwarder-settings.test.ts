import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@pipewatch/shared';
import { DEFAULT_SETTINGS, resolveForwarderSettings } from '../src/index.js';

describe('resolveForwarderSettings (env via loadConfigWith, flags over it)', () => {
  it('takes the collector, token and spool from the environment, with the documented defaults', () => {
    const settings = resolveForwarderSettings({ PIPEWATCH_COLLECTOR_URL: 'https://collector.example.com/', PIPEWATCH_TOKEN: 't0k' });
    assert.equal(settings.collectorUrl, 'https://collector.example.com');
    assert.equal(settings.token, 't0k');
    assert.equal(settings.spoolDir, join(tmpdir(), 'pipewatch-spool'));
    assert.equal(settings.spoolMaxBytes, 50 * 1024 * 1024);
    assert.equal(settings.sampleIntervalMs, 250);
    assert.equal(settings.batchLines, 500);
    assert.equal(settings.batchIntervalMs, 1000);
    assert.deepEqual(settings.retry, DEFAULT_SETTINGS.retry);
  });

  it('spools under $RUNNER_TEMP on GitHub runners unless PIPEWATCH_SPOOL_DIR says otherwise', () => {
    const env = { PIPEWATCH_COLLECTOR_URL: 'http://c:8080', RUNNER_TEMP: '/home/runner/work/_temp' };
    assert.equal(resolveForwarderSettings(env).spoolDir, '/home/runner/work/_temp/pipewatch-spool');
    assert.equal(resolveForwarderSettings({ ...env, PIPEWATCH_SPOOL_DIR: '/var/spool/pw' }).spoolDir, '/var/spool/pw');
  });

  it('lets flags override the environment', () => {
    const settings = resolveForwarderSettings(
      { PIPEWATCH_COLLECTOR_URL: 'http://from-env:1', PIPEWATCH_SPOOL_MAX_BYTES: '100000' },
      { collectorUrl: 'http://from-flag:2', spoolMaxBytes: 5000, retries: 1, sampleIntervalMs: 100, ignoreLoopback: true },
    );
    assert.equal(settings.collectorUrl, 'http://from-flag:2');
    assert.equal(settings.spoolMaxBytes, 5000);
    assert.equal(settings.retry.retries, 1);
    assert.equal(settings.sampleIntervalMs, 100);
    assert.equal(settings.ignoreLoopback, true);
  });

  const bad: [string, Record<string, string>, RegExp][] = [
    ['no collector at all', {}, /PIPEWATCH_COLLECTOR_URL: required/],
    ['a collector that is not http(s)', { PIPEWATCH_COLLECTOR_URL: 'ftp://x' }, /PIPEWATCH_COLLECTOR_URL: must be an http\(s\) URL/],
    ['a spool bound that is not a number', { PIPEWATCH_COLLECTOR_URL: 'http://x', PIPEWATCH_SPOOL_MAX_BYTES: 'lots' }, /PIPEWATCH_SPOOL_MAX_BYTES/],
  ];
  for (const [name, env, message] of bad) {
    it(`rejects ${name} with a ConfigError naming the variable`, () => {
      assert.throws(() => resolveForwarderSettings(env), (error: unknown) => error instanceof ConfigError && message.test(error.message));
    });
  }
});
