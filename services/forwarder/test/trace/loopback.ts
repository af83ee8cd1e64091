import { once } from 'node:events';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

export interface FirstChunkServer {
  server: Server;
  port: number;
  /** The first chunk of the next connection (or of one already made). */
  next(): Promise<Buffer>;
  close(): Promise<void>;
}

/** A TCP server on a loopback address that keeps the first chunk each connection sends, then hangs up. */
export async function firstChunkServer(host = '127.0.0.1'): Promise<FirstChunkServer> {
  const chunks: Buffer[] = [];
  const waiters: ((chunk: Buffer) => void)[] = [];
  const server = createServer((socket) => {
    socket.once('data', (chunk) => {
      const waiter = waiters.shift();
      if (waiter) waiter(chunk);
      else chunks.push(chunk);
      socket.destroy();
    });
    socket.on('error', () => undefined);
  });
  server.listen(0, host);
  await once(server, 'listening');
  return {
    server,
    port: (server.address() as AddressInfo).port,
    next: () => (chunks.length ? Promise.resolve(chunks.shift()!) : new Promise((resolve) => waiters.push(resolve))),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The ClientHello node:tls sends for `servername` (to a local capture server; no certificate needed). */
export async function captureClientHello(capture: FirstChunkServer, servername?: string): Promise<Buffer> {
  const client = tlsConnect({ host: '127.0.0.1', port: capture.port, ...(servername ? { servername } : {}) });
  client.on('error', () => undefined);
  const hello = await capture.next();
  client.destroy();
  return hello;
}
