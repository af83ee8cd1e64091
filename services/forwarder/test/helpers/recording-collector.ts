import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

export interface RecordingCollector {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** The status each path answers (default 202). */
  statusFor: Map<string, number>;
  bodiesFor(path: string): Record<string, unknown>[];
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 that plays the collector and remembers every request. */
export async function startRecordingCollector(port = 0): Promise<RecordingCollector> {
  const requests: RecordedRequest[] = [];
  const statusFor = new Map<string, number>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = (request.url ?? '/').split('?')[0]!;
      const status = statusFor.get(path) ?? 202;
      requests.push({ method: request.method ?? '', path, headers: request.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') });
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(status === 202 ? { accepted: 1, rejected: 0, errors: [] } : { error: { code: 'test' } }));
    });
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    requests,
    statusFor,
    bodiesFor: (path) => requests.filter((request) => request.path === path).map((request) => request.body),
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** A loopback port with nothing listening on it: the collector is down. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}
