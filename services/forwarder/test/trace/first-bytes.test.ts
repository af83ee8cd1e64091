import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { promisify } from 'node:util';
import { hostFromFirstBytes, httpHost, tlsServerName } from '../../src/trace/first-bytes.js';
import { captureClientHello, firstChunkServer, type FirstChunkServer } from './loopback.js';

describe('first bytes of a TCP connection', () => {
  let capture: FirstChunkServer;
  before(async () => (capture = await firstChunkServer()));
  after(() => capture.close());

  it('finds the SNI in a real ClientHello from node:tls', async () => {
    const hello = await captureClientHello(capture, 'registry.example.test');
    assert.equal(hello[0], 0x16);
    assert.equal(tlsServerName(hello), 'registry.example.test');
    assert.deepEqual(hostFromFirstBytes(hello), { protocol: 'tls', host: 'registry.example.test' });
    // What a -s cut leaves: enough when the extension is inside; never a throw when it is not.
    for (let cut = 0; cut < hello.length; cut += 7) assert.doesNotThrow(() => tlsServerName(hello.subarray(0, cut)));
    assert.equal(tlsServerName(hello.subarray(0, 60)), undefined);
  });

  it('finds no name in a ClientHello without SNI', async () => {
    const hello = await captureClientHello(capture);
    assert.equal(tlsServerName(hello), undefined);
  });

  it('finds the Host header of a real node:http request', async () => {
    const sent = request({ host: '127.0.0.1', port: capture.port, path: '/upload', method: 'POST', headers: { host: 'Pkg.Example.test:8443' } });
    sent.on('error', () => undefined);
    sent.end('x');
    const head = await capture.next();
    assert.equal(httpHost(head), 'pkg.example.test');
    assert.deepEqual(hostFromFirstBytes(head), { protocol: 'http', host: 'pkg.example.test' });
  });

  it('finds the Host header of a real curl request', async function () {
    const run = promisify(execFile)('curl', ['-s', '-m', '2', '-H', 'Host: files.example.test', `http://127.0.0.1:${capture.port}/x`]).catch(() => undefined);
    const head = await capture.next();
    await run;
    assert.equal(httpHost(head), 'files.example.test');
  });

  it('ignores IP-literal hosts, non-HTTP and garbage', () => {
    assert.equal(httpHost(Buffer.from('GET / HTTP/1.1\r\nHost: 127.0.0.2:8765\r\n\r\n')), undefined);
    assert.equal(httpHost(Buffer.from('GET / HTTP/1.1\r\nHost: [::1]:80\r\n\r\n')), undefined);
    assert.equal(httpHost(Buffer.from('GET / HTTP/1.1\r\nHost: cut.exam')), undefined, 'a header cut by -s is no name');
    assert.equal(httpHost(Buffer.from('GET / HTTP/1.1\r\nHost: whole.example\r\nAccept: */*')), 'whole.example');
    assert.equal(httpHost(Buffer.from('SSH-2.0-OpenSSH_9.6\r\n')), undefined);
    assert.equal(hostFromFirstBytes(Buffer.from([0x16, 0x03, 0x01, 0xff, 0xff, 0x01])), undefined);
    assert.equal(hostFromFirstBytes(Buffer.alloc(0)), undefined);
  });
});
