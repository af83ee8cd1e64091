import assert from 'node:assert/strict';
import { PermanentError, PipewatchError } from '@pipewatch/shared';
import {
  addressPolicyFromSetting,
  assertDestinationAllowed,
  isAddressAllowed,
  parseWebhookTarget,
  postJson,
  type ResolveAll,
} from '../src/index.js';
import { startReceiver, type Receiver } from './helpers/http-receiver.js';

function isRefusal(error: unknown): boolean {
  return error instanceof PermanentError && error.code === 'destination_refused';
}

const post = (url: string, policy: 'public' | 'loopback' | 'any', resolveAll?: ResolveAll): Promise<void> =>
  postJson({ target: parseWebhookTarget(url), body: '{}', headers: {}, timeoutMs: 2_000, policy, ...(resolveAll ? { resolveAll } : {}) });

describe('outbound destination safety', () => {
  let receiver: Receiver;
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  it('classifies private, loopback, link-local, unique-local, CGNAT and unspecified addresses as not public', () => {
    for (const address of ['10.0.0.1', '172.16.5.4', '192.168.1.1', '169.254.169.254', '127.0.0.1', '100.64.0.1', '0.0.0.0', '::1', 'fd00::1', 'fe80::1', '::', '::ffff:10.0.0.1']) {
      assert.equal(isAddressAllowed(address, 'public'), false, address);
    }
    for (const address of ['8.8.8.8', '2001:4860:4860::8888', '1.1.1.1']) assert.equal(isAddressAllowed(address, 'public'), true, address);
    assert.equal(isAddressAllowed('127.0.0.1', 'loopback'), true);
    assert.equal(isAddressAllowed('::1', 'loopback'), true);
    assert.equal(isAddressAllowed('10.0.0.1', 'loopback'), false, 'loopback allows loopback only');
    assert.equal(isAddressAllowed('10.0.0.1', 'any'), true);
    assert.equal(addressPolicyFromSetting('false'), 'public');
    assert.equal(addressPolicyFromSetting('loopback'), 'loopback');
    assert.equal(addressPolicyFromSetting('true'), 'any');
  });

  it('refuses http://10.0.0.1/ and http://169.254.169.254/ before connecting, even with loopback allowed', async () => {
    for (const url of ['http://10.0.0.1/hook', 'http://169.254.169.254/latest/meta-data/', 'http://[fd00::1]/hook', 'http://[::ffff:10.0.0.1]/']) {
      const started = Date.now();
      await assert.rejects(post(url, 'loopback'), (error: unknown) => isRefusal(error) && /address/.test((error as Error).message), url);
      // A connection attempt to an unroutable address would take far longer than this.
      assert.ok(Date.now() - started < 200, `${url} was refused at once`);
    }
  });

  it('refuses a host name that resolves to a private address, without sending anything', async () => {
    const port = new URL(receiver.origin).port;
    // localhost resolves to loopback, which the default policy refuses: the receiver must see nothing.
    await assert.rejects(post(`http://localhost:${port}/hook`, 'public'), isRefusal);
    const internal: ResolveAll = async () => [{ address: '10.20.30.40', family: 4 }];
    await assert.rejects(post('http://build-cache.internal/hook', 'public', internal), isRefusal);
    // One bad address among good ones is enough to refuse.
    const mixed: ResolveAll = async () => [{ address: '8.8.8.8', family: 4 }, { address: '127.0.0.1', family: 4 }];
    await assert.rejects(post('http://mixed.example/hook', 'public', mixed), isRefusal);
    assert.equal(receiver.requests.length, 0);
  });

  it('checks again at connect time, so a name that changes its answer (DNS rebinding) is still refused', async () => {
    const port = new URL(receiver.origin).port;
    let calls = 0;
    // The first answer (the pre-check) is public; the one the socket would use is loopback.
    const rebinding: ResolveAll = async () => (calls++ === 0 ? [{ address: '8.8.8.8', family: 4 }] : [{ address: '127.0.0.1', family: 4 }]);
    await assert.rejects(post(`http://rebind.example:${port}/hook`, 'public', rebinding), isRefusal);
    assert.ok(calls >= 2, 'the connect-time lookup ran');
    assert.equal(receiver.requests.length, 0);
  });

  it('allows loopback destinations when told to, through the same checked path', async () => {
    await post(`${receiver.origin}/hook`, 'loopback');
    const port = new URL(receiver.origin).port;
    await post(`http://localhost:${port}/hook`, 'loopback', async () => [{ address: '127.0.0.1', family: 4 }]);
    assert.equal(receiver.requests.length, 2);
  });

  it('accepts only http(s) URLs', async () => {
    await assert.rejects(assertDestinationAllowed(new URL('ftp://example.com/x'), 'any'), isRefusal);
    assert.throws(() => parseWebhookTarget('file:///etc/passwd'), (error: unknown) => error instanceof PipewatchError && /http/.test(error.message));
  });
});
