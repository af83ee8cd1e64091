import { PermanentError, RetryableError, errorMessage } from '@pipewatch/shared';

export interface ElasticsearchHttpOptions {
  /** e.g. `http://127.0.0.1:9200`; user-info in it is turned into Basic auth. */
  url: string;
  auth?: { apiKey: string } | { username: string; password: string };
  /** Per request; default 10 s. */
  timeoutMs?: number;
}

export interface ElasticsearchHttp {
  /** Origin and path only, for logs and errors. */
  display: string;
  /** `POST <index>/_search`; a missing index reads as no hits. */
  search(index: string, body: Record<string, unknown>): Promise<Record<string, unknown>>;
}

/**
 * The console's only Elasticsearch call, `_search`, as plain fetch: the console
 * reads, so it needs none of the client SDK (which stays in the alerter's sink).
 */
export function createElasticsearchHttp(options: ElasticsearchHttpOptions): ElasticsearchHttp {
  const base = new URL(options.url);
  const headers: Record<string, string> = { accept: 'application/json', 'content-type': 'application/json' };
  if (options.auth && 'apiKey' in options.auth) headers.authorization = `ApiKey ${options.auth.apiKey}`;
  else if (options.auth) headers.authorization = basic(options.auth.username, options.auth.password);
  else if (base.username) headers.authorization = basic(decodeURIComponent(base.username), decodeURIComponent(base.password));
  // fetch refuses URLs that carry credentials.
  base.username = '';
  base.password = '';
  const root = base.href.endsWith('/') ? base.href : `${base.href}/`;
  const display = `${base.origin}${base.pathname === '/' ? '' : base.pathname}`;
  const timeoutMs = options.timeoutMs ?? 10_000;

  return {
    display,
    async search(index, body) {
      const url = new URL(`${encodeURIComponent(index)}/_search?ignore_unavailable=true&allow_no_indices=true`, root);
      let response: Response;
      try {
        response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) });
      } catch (error) {
        throw new RetryableError('elasticsearch_unreachable', `${display} unreachable: ${errorMessage(error)}`, error);
      }
      const text = await response.text();
      let parsed: Record<string, unknown> = {};
      try {
        parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        parsed = { raw: text.slice(0, 300) };
      }
      if (response.ok) return parsed;
      if (response.status === 404) return { hits: { total: { value: 0 }, hits: [] } };
      const message = `${display} answered ${response.status} to _search on ${index}: ${JSON.stringify(parsed.error ?? parsed).slice(0, 300)}`;
      if (response.status === 401 || response.status === 403 || response.status === 429 || response.status >= 500) {
        throw new RetryableError('elasticsearch_unavailable', message);
      }
      throw new PermanentError('elasticsearch_query_rejected', message);
    },
  };
}

function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}
