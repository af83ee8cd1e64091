import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { signPayload, verifySignature } from '../src/index.js';

const secret = 'a-receiver-shared-secret';
const body = '{"finding_id":"f-1","score":0.9}';
const now = new Date('2025-03-01T12:00:00Z');
const timestamp = Math.floor(now.getTime() / 1000);

describe('signPayload / verifySignature', () => {
  it('signs "<timestamp>.<body>" with HMAC-SHA256 and prefixes sha256=', () => {
    const expected = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
    assert.equal(signPayload(secret, timestamp, body), `sha256=${expected}`);
  });

  it('accepts a fresh signature, given the timestamp as the header string and the body as bytes', () => {
    const signature = signPayload(secret, timestamp, body);
    assert.equal(verifySignature({ secret, timestamp: String(timestamp), body: Buffer.from(body), signature, now }), true);
  });

  it('rejects a tampered body', () => {
    const signature = signPayload(secret, timestamp, body);
    const tampered = body.replace('0.9', '0.1');
    assert.equal(verifySignature({ secret, timestamp, body: tampered, signature, now }), false);
  });

  it('rejects the wrong secret', () => {
    const signature = signPayload(secret, timestamp, body);
    assert.equal(verifySignature({ secret: 'not-the-secret', timestamp, body, signature, now }), false);
  });

  it('rejects a changed timestamp, since it is inside the MAC', () => {
    const signature = signPayload(secret, timestamp, body);
    assert.equal(verifySignature({ secret, timestamp: timestamp + 1, body, signature, now }), false);
  });

  it('rejects a timestamp outside the tolerance, in the past or the future', () => {
    const old = timestamp - 301;
    const ahead = timestamp + 301;
    assert.equal(verifySignature({ secret, timestamp: old, body, signature: signPayload(secret, old, body), now, toleranceSeconds: 300 }), false);
    assert.equal(verifySignature({ secret, timestamp: ahead, body, signature: signPayload(secret, ahead, body), now, toleranceSeconds: 300 }), false);
    const edge = timestamp - 300;
    assert.equal(verifySignature({ secret, timestamp: edge, body, signature: signPayload(secret, edge, body), now, toleranceSeconds: 300 }), true);
  });

  it('returns false, without throwing, for missing or malformed headers', () => {
    const good = signPayload(secret, timestamp, body);
    const cases: { timestamp: string | undefined; signature: string | undefined }[] = [
      { timestamp: undefined, signature: good },
      { timestamp: String(timestamp), signature: undefined },
      { timestamp: 'yesterday', signature: good },
      { timestamp: String(timestamp), signature: good.slice('sha256='.length) },
      { timestamp: String(timestamp), signature: good.slice(0, -2) },
      { timestamp: String(timestamp), signature: `sha1=${good.slice('sha256='.length)}` },
      { timestamp: String(timestamp), signature: good.toUpperCase() },
    ];
    for (const headers of cases) {
      assert.equal(verifySignature({ secret, body, now, ...headers }), false, JSON.stringify(headers));
    }
  });
});
