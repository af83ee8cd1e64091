import { readFileSync } from 'node:fs';
import { Client, errors, type estypes } from '@elastic/elasticsearch';
import {
  PermanentError,
  RetryableError,
  errorMessage,
  withRetry,
  type Finding,
  type Logger,
  type PipewatchError,
  type RetryPolicy,
} from '@pipewatch/shared';
import type { FindingMarks, FindingSink } from '../sink-port.js';
import { bulkItemVerdict, describeBulkItemError } from './elasticsearch/bulk-item-verdict.js';
import { findingToDocument, indexNameFor } from './elasticsearch/finding-to-document.js';
import { DEFAULT_INDEX_PREFIX, templateForPrefix } from './elasticsearch/index-template.js';

/** How long an installed template is trusted before a write checks again (one GET). */
const TEMPLATE_RECHECK_MS = 10_000;

export interface ElasticsearchSinkOptions {
  /** e.g. `https://es.internal:9200`; credentials belong in `auth`, not here. */
  url: string;
  logger: Logger;
  /** infra/elasticsearch/findings-index-template.json, parsed; retargeted at `indexPrefix`. */
  template: Record<string, unknown>;
  /** Backoff for a bulk whose items (or whole request) failed with 429 / 5xx / a network error. */
  retry: RetryPolicy;
  /** Indices are `<prefix>-YYYY.MM`, read through the alias `<prefix>`. Default `pipewatch-findings`. */
  indexPrefix?: string;
  auth?: { apiKey: string } | { username: string; password: string };
  tls?: { caFile?: string; rejectUnauthorized?: boolean };
  /** Documents per bulk request; default 500. */
  bulkMaxDocs?: number;
  /** Install the template (when missing or older) before the first write; default true. */
  installTemplate?: boolean;
  /** Bulk `refresh`; default false (durability does not need it, only immediate search does). */
  refresh?: boolean | 'wait_for';
  /** Per request; default 30 s. */
  requestTimeoutMs?: number;
  /** ECS `labels.*` stamped on every document, e.g. `{env: 'prod'}`. */
  labels?: Record<string, string>;
  name?: string;
}

export interface ElasticsearchSinkStats {
  /** Documents Elasticsearch created. */
  written: number;
  /** Findings whose id was already indexed (a redelivery or a second alerter). */
  duplicates: number;
  /** Items refused with 429 / 5xx; each is sent again while the retry budget lasts. */
  retriedItems: number;
  /** Findings Elasticsearch refused for good (reported as a PermanentError). */
  rejected: number;
}

export interface ElasticsearchSink extends FindingSink {
  /** Installs the index template unless one of the same or a newer `version` is there. */
  ensureTemplate(): Promise<void>;
  stats(): ElasticsearchSinkStats;
  close(): Promise<void>;
}

interface PendingDocument {
  id: string;
  index: string;
  document: Record<string, unknown>;
}

/** Where logs may point: no userinfo, no query. */
function displayUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new PermanentError('invalid_elasticsearch_url', 'ELASTICSEARCH_URL is not a URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new PermanentError('invalid_elasticsearch_url', `Elasticsearch URL must be http(s), not ${parsed.protocol}`);
  }
  return `${parsed.origin}${parsed.pathname === '/' ? '' : parsed.pathname}`;
}

function responseReason(error: errors.ResponseError): string {
  const body = error.meta.body as { error?: { type?: string; reason?: string } | string } | undefined;
  if (typeof body?.error === 'string') return body.error;
  if (body?.error?.reason) return `${body.error.type ?? 'error'}: ${body.error.reason}`;
  return error.message;
}

/** Maps a failed request (not a failed item) to retryable or permanent. */
function requestFailure(error: unknown, what: string, target: string): PipewatchError {
  if (error instanceof errors.ResponseError) {
    const status = error.meta.statusCode ?? 0;
    const message = `${target} answered ${status} to ${what}: ${responseReason(error)}`.slice(0, 1000);
    // Credentials are fixed by an operator; the findings must wait for that, not be dropped.
    if (status === 401 || status === 403) return new RetryableError('elasticsearch_unauthorized', message, error);
    if (status === 408 || status === 429 || status >= 500) return new RetryableError('elasticsearch_unavailable', message, error);
    return new PermanentError('elasticsearch_request_rejected', message, error);
  }
  if (error instanceof errors.RequestAbortedError) return new RetryableError('sink_closed', `elasticsearch sink closed during ${what}`, error);
  if (error instanceof errors.TimeoutError) return new RetryableError('elasticsearch_timeout', `${target} did not answer ${what} in time`, error);
  if (error instanceof errors.ConnectionError || error instanceof errors.NoLivingConnectionsError) {
    return new RetryableError('elasticsearch_unreachable', `${target} unreachable during ${what}: ${errorMessage(error)}`, error);
  }
  return new RetryableError('elasticsearch_failed', `${what} against ${target} failed: ${errorMessage(error)}`, error);
}

/**
 * Indexes findings into monthly indices with bulk `create` and `_id = finding_id`,
 * so a finding is stored once however often it is delivered. `write` resolves only
 * when every finding is durable in Elasticsearch (created, or already there). Items
 * refused with 429 / 5xx are retried on their own with backoff; items refused for
 * any other reason make `write` fail with a PermanentError naming them.
 */
export function createElasticsearchSink(options: ElasticsearchSinkOptions): ElasticsearchSink {
  const prefix = options.indexPrefix ?? DEFAULT_INDEX_PREFIX;
  const template = templateForPrefix(options.template, prefix);
  const target = displayUrl(options.url);
  const name = options.name ?? 'elasticsearch';
  const bulkMaxDocs = options.bulkMaxDocs ?? 500;
  if (!Number.isInteger(bulkMaxDocs) || bulkMaxDocs < 1) throw new PermanentError('invalid_bulk_size', 'bulkMaxDocs must be a positive integer');
  const refresh = options.refresh ?? false;
  const logger = options.logger.child({ sink: name, target, index_prefix: prefix });
  const closing = new AbortController();
  const stats: ElasticsearchSinkStats = { written: 0, duplicates: 0, retriedItems: 0, rejected: 0 };

  const tls = options.tls
    ? {
        ...(options.tls.caFile ? { ca: readFileSync(options.tls.caFile) } : {}),
        ...(options.tls.rejectUnauthorized !== undefined ? { rejectUnauthorized: options.tls.rejectUnauthorized } : {}),
      }
    : undefined;
  const client = new Client({
    node: options.url,
    // Our retry loop owns retries: it knows which bulk items still need one.
    maxRetries: 0,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    ...(options.auth ? { auth: options.auth } : {}),
    ...(tls ? { tls } : {}),
  });

  async function installTemplateOnce(): Promise<void> {
    const existing = await client.indices
      .getIndexTemplate({ name: template.name }, { ignore: [404], signal: closing.signal })
      .catch((error: unknown) => {
        throw requestFailure(error, 'GET _index_template', target);
      });
    const installed = existing.index_templates?.[0]?.index_template.version;
    if (typeof installed === 'number' && template.version !== undefined && installed >= template.version) {
      logger.debug('index template already installed', { template: template.name, version: installed });
      return;
    }
    const body = template.body as Omit<estypes.IndicesPutIndexTemplateRequest, 'name'>;
    await client.indices.putIndexTemplate({ name: template.name, ...body }, { signal: closing.signal }).catch((error: unknown) => {
      throw requestFailure(error, 'PUT _index_template', target);
    });
    logger.info('index template installed', { template: template.name, version: template.version, replaced: installed ?? null });
  }

  /**
   * Set once an install is under way or done, so writes do not ask Elasticsearch
   * every time. Trusted for TEMPLATE_RECHECK_MS only, and dropped when Elasticsearch
   * was unreachable: a cluster can come back empty (a node that lost its disk), and
   * a bulk would then auto-create the index with dynamic mappings, which refuse
   * findings whose evidence differs in shape (a mapping conflict is permanent).
   */
  let templateReady: Promise<void> | undefined;
  /** When the template was last found or installed; 0 while a check is under way. */
  let templateCheckedAt = 0;

  function ensureTemplate(): Promise<void> {
    templateCheckedAt = 0;
    const installing = withRetry(
      installTemplateOnce,
      options.retry,
      (error, attempt) => logger.warn('index template install failed', { attempt, error: errorMessage(error) }),
      closing.signal,
    );
    templateReady = installing;
    installing.then(
      () => {
        if (templateReady === installing) templateCheckedAt = Date.now();
      },
      () => {
        if (templateReady === installing) templateReady = undefined;
      },
    );
    return installing;
  }

  async function templateBeforeWrite(): Promise<void> {
    if (options.installTemplate === false) return;
    if (templateCheckedAt > 0 && Date.now() - templateCheckedAt > TEMPLATE_RECHECK_MS) templateReady = undefined;
    try {
      await (templateReady ?? ensureTemplate());
    } catch (error) {
      // Never the finding's fault: without a template the write has to wait, not be dead-lettered.
      throw new RetryableError('elasticsearch_template_missing', `index template ${template.name} not installed: ${errorMessage(error)}`, error);
    }
  }

  /** One pass over what is still pending; settles items in place, throws while any need another pass. */
  async function bulkPass(pending: Map<string, PendingDocument>, rejected: string[]): Promise<void> {
    const batch = [...pending.values()];
    let lastRetryReason = '';
    for (let start = 0; start < batch.length; start += bulkMaxDocs) {
      const chunk = batch.slice(start, start + bulkMaxDocs);
      const operations = chunk.flatMap((doc) => [{ create: { _index: doc.index, _id: doc.id } }, doc.document]);
      const response = await client.bulk({ operations, refresh }, { signal: closing.signal }).catch((error: unknown) => {
        // A cluster that went away may come back empty: check the template before the next bulk.
        if (error instanceof errors.ConnectionError || error instanceof errors.NoLivingConnectionsError) templateReady = undefined;
        throw requestFailure(error, `a bulk of ${chunk.length}`, target);
      });
      chunk.forEach((doc, position) => {
        const item = response.items[position]?.create;
        // A missing item is treated as not written: sending it again is safe under create.
        const verdict = item ? bulkItemVerdict(item.status) : 'retry';
        if (verdict === 'retry') {
          lastRetryReason = describeBulkItemError(item?.status ?? 0, item?.error);
          stats.retriedItems++;
          return;
        }
        pending.delete(doc.id);
        if (verdict === 'written') stats.written++;
        else if (verdict === 'duplicate') stats.duplicates++;
        else {
          stats.rejected++;
          rejected.push(`${doc.id}: ${describeBulkItemError(item!.status, item!.error)}`);
        }
      });
    }
    if (pending.size > 0) {
      throw new RetryableError('elasticsearch_items_retryable', `${pending.size} of ${batch.length} findings not yet indexed in ${target}: ${lastRetryReason}`);
    }
  }

  function documentFor(finding: Finding, marks: FindingMarks | undefined): Record<string, unknown> {
    const suppression = marks?.get(finding.finding_id)?.suppression;
    return findingToDocument(finding, {
      ...(options.labels ? { labels: options.labels } : {}),
      ...(suppression ? { suppression } : {}),
    });
  }

  function indexFor(finding: Finding): string {
    try {
      return indexNameFor(prefix, finding.detected_at);
    } catch (error) {
      // Schema-checked findings never get here; an unparsable time can never be indexed.
      throw new PermanentError('invalid_finding', `finding ${finding.finding_id}: ${errorMessage(error)}`, error);
    }
  }

  async function write(findings: Finding[], marks?: FindingMarks): Promise<void> {
    if (findings.length === 0) return;
    if (closing.signal.aborted) throw new RetryableError('sink_closed', `elasticsearch sink ${name} is closed`);
    const pending = new Map<string, PendingDocument>();
    for (const finding of findings) {
      if (pending.has(finding.finding_id)) continue;
      pending.set(finding.finding_id, {
        id: finding.finding_id,
        index: indexFor(finding),
        document: documentFor(finding, marks),
      });
    }
    const total = pending.size;
    const rejected: string[] = [];
    try {
      await withRetry(
        async () => {
          await templateBeforeWrite();
          await bulkPass(pending, rejected);
        },
        options.retry,
        (error, attempt) => logger.warn('elasticsearch bulk attempt failed', { attempt, pending: pending.size, error: errorMessage(error) }),
        closing.signal,
      );
    } catch (error) {
      if (closing.signal.aborted) throw new RetryableError('sink_closed', `elasticsearch sink ${name} is closed`, error);
      throw error;
    }
    if (rejected.length > 0) {
      throw new PermanentError('elasticsearch_rejected', `Elasticsearch rejected ${rejected.length} of ${total} findings: ${rejected.join('; ')}`.slice(0, 4000));
    }
  }

  logger.info('elasticsearch sink ready', { bulk_max_docs: bulkMaxDocs, refresh, install_template: options.installTemplate !== false });

  return {
    name,
    write,
    ensureTemplate,
    stats: () => ({ ...stats }),
    async close() {
      // Aborts retry waits and in-flight requests; what was cut off stays uncommitted and comes back.
      closing.abort();
      await client.close();
    },
  };
}
