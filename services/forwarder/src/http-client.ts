import { PipewatchError } from '@pipewatch/shared';

/** A delivery failure that knows the HTTP status behind it (0: no answer at all). */
export class CollectorError extends PipewatchError {
  readonly status: number;

  constructor(status: number, message: string, retryable: boolean, cause?: unknown) {
    super(status === 0 ? 'collector_unreachable' : `collector_http_${status}`, message, { retryable, cause });
    this.status = status;
  }
}

export interface CollectorReply {
  status: number;
  body: unknown;
}

export interface HttpClient {
  /** POSTs JSON; resolves on 2xx, throws CollectorError otherwise (retryable for no answer, 408, 429, 5xx). */
  postJson(path: string, body: unknown, signal?: AbortSignal): Promise<CollectorReply>;
}

export interface HttpClientOptions {
  baseUrl: string;
  token?: string;
  timeoutMs: number;
  userAgent?: string;
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': options.userAgent ?? 'pipewatch-forwarder/0.1.0',
    ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
  };
  return {
    async postJson(path, body, signal) {
      const timeout = AbortSignal.timeout(options.timeoutMs);
      let response: Response;
      try {
        response = await fetch(`${options.baseUrl}${path}`, {
          method: 'POST',
          headers,
          body: JSON.stringify(body),
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        });
      } catch (error) {
        // An abort by the caller is not the collector's fault: let it through as is.
        if (signal?.aborted) throw signal.reason;
        const reason = timeout.aborted ? `no answer within ${options.timeoutMs} ms` : causeText(error);
        throw new CollectorError(0, `collector unreachable: ${reason}`, true, error);
      }
      const text = await response.text().catch(() => '');
      if (response.ok) return { status: response.status, body: parseJson(text) };
      const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
      throw new CollectorError(response.status, `collector answered ${response.status} on ${path}`, retryable);
    },
  };
}

function causeText(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
