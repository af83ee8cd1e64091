import { Agent, request } from 'node:http';

export interface PostResult {
  status: number;
  /** From writing the request to the last byte of the answer. */
  ms: number;
  /** performance.now() when the answer was complete. */
  doneAt: number;
  body: string;
}

export interface HttpPoster {
  post(path: string, body: string, contentType?: string): Promise<PostResult>;
  close(): void;
}

/**
 * POSTs over a keep-alive agent with at most `connections` sockets, so a fixed set
 * of clients reuses its connections as real shippers do.
 */
export function createHttpPoster(baseUrl: string, connections: number, timeoutMs = 30_000): HttpPoster {
  const url = new URL(baseUrl);
  if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost' && url.hostname !== '[::1]') {
    throw new Error(`benchmarks only send to loopback, not ${url.hostname}`);
  }
  const agent = new Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  return {
    post(path, body, contentType = 'application/x-ndjson') {
      const payload = Buffer.from(body);
      const began = performance.now();
      return new Promise((resolve, reject) => {
        const req = request(
          {
            agent,
            host: url.hostname,
            port: url.port,
            path,
            method: 'POST',
            headers: { 'content-type': contentType, 'content-length': payload.length },
            timeout: timeoutMs,
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => {
              const doneAt = performance.now();
              resolve({ status: res.statusCode ?? 0, ms: doneAt - began, doneAt, body: Buffer.concat(chunks).toString('utf8') });
            });
            res.on('error', reject);
          },
        );
        req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
        req.on('error', reject);
        req.end(payload);
      });
    },
    close: () => agent.destroy(),
  };
}
