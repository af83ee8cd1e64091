import { readFileSync } from 'node:fs';
import { PermanentError, RetryableError } from '@pipewatch/shared';
import { HttpFailure, sendHttpRequest } from '../http/http-request.js';

export interface EsRestOptions {
  url: string;
  auth?: { apiKey: string } | { username: string; password: string };
  tls?: { caFile?: string; rejectUnauthorized?: boolean };
  requestTimeoutMs?: number;
}

export interface EsAnswer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * A few Elasticsearch REST calls for the alerter's small bookkeeping indices
 * (notifications, suppressions). Plain JSON over node:http keeps the SDK in the
 * findings sink alone. `ok` lists statuses the caller handles itself (404, 409);
 * anything else outside 2xx becomes a RetryableError (unreachable, 429, 5xx,
 * 401/403: an operator's fix, not the data's fault) or a PermanentError.
 */
export interface EsRest {
  /** Origin and path only, for logs. */
  display: string;
  call(method: string, path: string, body?: unknown, ok?: number[]): Promise<EsAnswer>;
  /** NDJSON body for _bulk. */
  bulk(lines: unknown[], refresh?: boolean | 'wait_for'): Promise<EsAnswer>;
}

export function createEsRest(options: EsRestOptions): EsRest {
  const base = new URL(options.url);
  const display = `${base.origin}${base.pathname === '/' ? '' : base.pathname}`;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.auth && 'apiKey' in options.auth) headers.authorization = `ApiKey ${options.auth.apiKey}`;
  else if (options.auth) headers.authorization = `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64')}`;
  const ca = options.tls?.caFile ? readFileSync(options.tls.caFile) : undefined;
  const timeoutMs = options.requestTimeoutMs ?? 30_000;

  async function send(method: string, path: string, body: string | undefined, contentType: string, ok: number[]): Promise<EsAnswer> {
    const url = new URL(path.replace(/^\//, ''), base.href.endsWith('/') ? base.href : `${base.href}/`);
    let status: number;
    let text: string;
    try {
      const response = await sendHttpRequest({
        url,
        method,
        headers: { ...headers, ...(body !== undefined ? { 'content-type': contentType } : {}) },
        ...(body !== undefined ? { body } : {}),
        timeoutMs,
        ...(ca ? { ca } : {}),
        ...(options.tls?.rejectUnauthorized !== undefined ? { rejectUnauthorized: options.tls.rejectUnauthorized } : {}),
        maxResponseBytes: 16 * 1024 * 1024,
      });
      status = response.status;
      text = response.body;
    } catch (error) {
      const what = error instanceof HttpFailure && error.kind === 'timeout' ? 'did not answer in time' : `unreachable: ${(error as Error).message}`;
      throw new RetryableError('elasticsearch_unreachable', `${display} ${what} (${method} ${url.pathname})`, error);
    }
    let parsed: Record<string, unknown> = {};
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      parsed = { raw: text.slice(0, 500) };
    }
    if ((status >= 200 && status < 300) || ok.includes(status)) return { status, body: parsed };
    const reason = JSON.stringify(parsed.error ?? parsed).slice(0, 500);
    const message = `${display} answered ${status} to ${method} ${url.pathname}: ${reason}`;
    if (status === 401 || status === 403 || status === 408 || status === 429 || status >= 500) {
      throw new RetryableError('elasticsearch_unavailable', message);
    }
    throw new PermanentError('elasticsearch_request_rejected', message);
  }

  return {
    display,
    call: (method, path, body, ok = []) => send(method, path, body === undefined ? undefined : JSON.stringify(body), 'application/json', ok),
    bulk: (lines, refresh = false) =>
      send('POST', `_bulk?refresh=${String(refresh)}`, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`, 'application/x-ndjson', []),
  };
}

/** Creates an index with its mappings unless it exists (a 400 resource_already_exists is fine). */
export async function ensureIndex(es: EsRest, index: string, mappings: Record<string, unknown>): Promise<void> {
  const exists = await es.call('HEAD', encodeURIComponent(index), undefined, [404]);
  if (exists.status !== 404) return;
  const created = await es.call('PUT', encodeURIComponent(index), { settings: { number_of_shards: 1 }, mappings }, [400]);
  if (created.status === 400 && !JSON.stringify(created.body).includes('resource_already_exists_exception')) {
    throw new PermanentError('elasticsearch_index_rejected', `${es.display} refused to create ${index}: ${JSON.stringify(created.body).slice(0, 500)}`);
  }
}

/** How long "the index exists" is trusted before a write checks again. */
export const INDEX_RECHECK_MS = 10_000;

export interface EnsuredIndex {
  /** The client to use for the index: a call that finds Elasticsearch unreachable makes the next ensure() check again. */
  es: EsRest;
  /** Creates the index with its mappings unless it exists; remembered for INDEX_RECHECK_MS. */
  ensure(): Promise<void>;
}

/**
 * An index the caller writes to, checked again after Elasticsearch was unreachable
 * and every INDEX_RECHECK_MS: a cluster can come back empty (a node that lost its
 * disk), and a write must then recreate the index with its mappings, not let
 * Elasticsearch auto-create it with dynamic ones.
 */
export function ensuredIndex(raw: EsRest, index: string, mappings: Record<string, unknown>, recheckMs = INDEX_RECHECK_MS): EnsuredIndex {
  let ready: Promise<void> | undefined;
  /** When the index was last found or created; 0 while a check is under way. */
  let checkedAt = 0;
  const forget = (): void => {
    ready = undefined;
  };
  const watch = (answer: Promise<EsAnswer>): Promise<EsAnswer> =>
    answer.catch((error: unknown) => {
      if (error instanceof RetryableError && error.code === 'elasticsearch_unreachable') forget();
      throw error;
    });
  const es: EsRest = {
    display: raw.display,
    call: (method, path, body, ok) => watch(raw.call(method, path, body, ok)),
    bulk: (lines, refresh) => watch(raw.bulk(lines, refresh)),
  };
  return {
    es,
    ensure() {
      if (checkedAt > 0 && Date.now() - checkedAt > recheckMs) forget();
      if (!ready) {
        checkedAt = 0;
        const checking = ensureIndex(es, index, mappings);
        ready = checking;
        checking.then(
          () => {
            if (ready === checking) checkedAt = Date.now();
          },
          () => {
            if (ready === checking) forget();
          },
        );
      }
      return ready;
    },
  };
}
