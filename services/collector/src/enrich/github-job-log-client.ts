import { PermanentError, RetryableError } from '@pipewatch/shared';

/** Largest job log read; a longer one is cut (and said so), never buffered whole. */
export const MAX_JOB_LOG_BYTES = 20 * 1024 * 1024;
const TIMEOUT_MS = 30_000;
const ETAG_ENTRIES = 500;
/** A rate-limit reset further away than this is not waited for: the event goes on without the log. */
const MAX_RATE_LIMIT_WAIT_MS = 60_000;

export interface JobLog {
  text: string;
  truncated: boolean;
}

export interface GitHubJobLogClient {
  /** The job's log; PermanentError when there is none to be had (404, no access), RetryableError to try later. */
  fetch(repository: string, jobId: number, signal?: AbortSignal): Promise<JobLog>;
}

export interface GitHubJobLogClientOptions {
  /** `https://api.github.com`, or a GitHub Enterprise Server's `https://host/api/v3`. */
  apiUrl: string;
  /** A fine-grained token or an App installation token with `actions: read`. Never logged. */
  token: string;
  maxBytes?: number;
  timeoutMs?: number;
}

/**
 * GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs. GitHub answers with a redirect to a
 * short-lived storage URL: it is followed by hand, without the token (the storage host must
 * never see it). Logs of a finished job do not change, so a redelivered webhook is answered
 * from the ETag cache with a 304. Rate limits (403/429 with x-ratelimit-remaining: 0 or
 * Retry-After) become a RetryableError carrying when to come back.
 */
export function createGitHubJobLogClient(options: GitHubJobLogClientOptions): GitHubJobLogClient {
  const cache = new Map<string, { etag: string; log: JobLog }>();
  const maxBytes = options.maxBytes ?? MAX_JOB_LOG_BYTES;
  const base = options.apiUrl.replace(/\/+$/, '');
  return {
    async fetch(repository, jobId, signal) {
      if (!/^[\w.-]+\/[\w.-]+$/.test(repository)) throw new PermanentError('bad_repository', `not an owner/name repository: ${repository.slice(0, 200)}`);
      const url = `${base}/repos/${repository}/actions/jobs/${jobId}/logs`;
      const timeout = AbortSignal.timeout(options.timeoutMs ?? TIMEOUT_MS);
      const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
      const cached = cache.get(url);
      const response = await request(url, {
        redirect: 'manual',
        signal: combined,
        headers: {
          accept: 'application/vnd.github+json',
          authorization: `Bearer ${options.token}`,
          'x-github-api-version': '2022-11-28',
          'user-agent': 'pipewatch-collector',
          ...(cached ? { 'if-none-match': cached.etag } : {}),
        },
      });
      if (response.status === 304 && cached) return cached.log;
      let body: Response = response;
      if (response.status >= 300 && response.status < 400) {
        const location = response.headers.get('location');
        await response.body?.cancel();
        if (!location) throw new RetryableError('github_redirect_without_location', `GitHub answered ${response.status} without a Location for the job log`);
        // The storage URL is signed in its query: no token goes with it.
        body = await request(new URL(location, url).toString(), { signal: combined, headers: { 'user-agent': 'pipewatch-collector' } });
      }
      classify(body, `the log of job ${jobId} in ${repository}`);
      const log = await readBounded(body, maxBytes);
      const etag = response.headers.get('etag');
      if (etag) {
        cache.delete(url);
        cache.set(url, { etag, log });
        if (cache.size > ETAG_ENTRIES) cache.delete(cache.keys().next().value!);
      }
      return log;
    },
  };
}

async function request(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    // The message names the host only: a storage URL's query is a credential too.
    throw new RetryableError('github_unreachable', `could not reach ${new URL(url).host}: ${(error as Error).name}`);
  }
}

/** 2xx passes; everything else is a retryable or a permanent error with a reason a person can act on. */
function classify(response: Response, what: string): void {
  if (response.ok) return;
  const status = response.status;
  void response.body?.cancel();
  const waitMs = rateLimitWaitMs(response);
  if (waitMs !== undefined) {
    if (waitMs > MAX_RATE_LIMIT_WAIT_MS) throw new PermanentError('github_rate_limited', `GitHub's rate limit for the token resets in ${Math.ceil(waitMs / 1000)} s; ${what} is skipped`);
    const error = new RetryableError('github_rate_limited', `GitHub rate limit reached fetching ${what}; retrying in ${Math.ceil(waitMs / 1000)} s`);
    (error as RetryableError & { retryAfterMs: number }).retryAfterMs = waitMs;
    throw error;
  }
  if (status === 404 || status === 410) throw new PermanentError('github_log_missing', `GitHub has no ${what} (${status}): expired, or the token cannot see the repository`);
  if (status === 401 || status === 403) throw new PermanentError('github_forbidden', `GitHub refused ${what} (${status}): the token needs actions: read on the repository`);
  if (status >= 500 || status === 408) throw new RetryableError('github_unavailable', `GitHub answered ${status} for ${what}`);
  throw new PermanentError('github_refused', `GitHub answered ${status} for ${what}`);
}

/** How long GitHub asks us to wait (Retry-After, or x-ratelimit-reset once the budget is 0); undefined when it is no rate limit. */
export function rateLimitWaitMs(response: Pick<Response, 'status' | 'headers'>, now = Date.now()): number | undefined {
  if (response.status !== 403 && response.status !== 429) return undefined;
  const retryAfter = response.headers.get('retry-after');
  if (retryAfter !== null && /^\d+$/.test(retryAfter.trim())) return Number(retryAfter) * 1000;
  if (response.headers.get('x-ratelimit-remaining') === '0') {
    const reset = Number(response.headers.get('x-ratelimit-reset'));
    if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - now);
  }
  return response.status === 429 ? 60_000 : undefined;
}

async function readBounded(response: Response, maxBytes: number): Promise<JobLog> {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of response.body ?? []) {
    const bytes = Buffer.from(chunk as Uint8Array);
    if (size + bytes.length > maxBytes) {
      chunks.push(bytes.subarray(0, maxBytes - size));
      truncated = true;
      break;
    }
    chunks.push(bytes);
    size += bytes.length;
  }
  if (truncated) await response.body?.cancel().catch(() => undefined);
  return { text: Buffer.concat(chunks).toString('utf8'), truncated };
}
