import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';

export interface HttpRequest {
  url: URL;
  method: string;
  headers?: Record<string, string>;
  body?: string;
  /** The whole exchange, connect to last byte. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Replaces DNS resolution for this request (the outbound address check hooks in here). */
  lookup?: LookupFunction;
  /** Extra CA certificates for https. */
  ca?: string | Buffer;
  rejectUnauthorized?: boolean;
  /** Answer bytes kept; the rest is drained and dropped. Default 64 KiB. */
  maxResponseBytes?: number;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Why a request produced no answer: the caller maps these to retryable errors. */
export class HttpFailure extends Error {
  constructor(
    readonly kind: 'timeout' | 'aborted' | 'network',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HttpFailure';
  }
}

/**
 * One HTTP request on node:http(s), without following redirects. node's own
 * client is used rather than fetch because it takes a `lookup` per request, which
 * lets the address check run on the very addresses the socket connects to.
 */
export function sendHttpRequest(input: HttpRequest): Promise<HttpResponse> {
  const timeout = AbortSignal.timeout(input.timeoutMs);
  const signal = input.signal ? AbortSignal.any([timeout, input.signal]) : timeout;
  const limit = input.maxResponseBytes ?? 64 * 1024;
  const send = input.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<HttpResponse>((resolve, reject) => {
    const fail = (error: unknown): void => {
      if (timeout.aborted) reject(new HttpFailure('timeout', `no answer within ${input.timeoutMs} ms`, { cause: error }));
      else if (signal.aborted) reject(new HttpFailure('aborted', 'request aborted', { cause: error }));
      else reject(new HttpFailure('network', error instanceof Error ? error.message : String(error), { cause: error }));
    };
    if (signal.aborted) return fail(signal.reason);
    const headers: Record<string, string> = { ...input.headers };
    if (input.body !== undefined) headers['content-length'] = String(Buffer.byteLength(input.body));
    const req = send(
      input.url,
      {
        method: input.method,
        headers,
        signal,
        ...(input.lookup ? { lookup: input.lookup } : {}),
        ...(input.ca !== undefined ? { ca: input.ca } : {}),
        ...(input.rejectUnauthorized !== undefined ? { rejectUnauthorized: input.rejectUnauthorized } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        res.on('data', (chunk: Buffer) => {
          if (kept >= limit) return;
          chunks.push(chunk);
          kept += chunk.length;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8').slice(0, limit) }));
        res.on('error', fail);
      },
    );
    req.on('error', fail);
    req.end(input.body);
  });
}
