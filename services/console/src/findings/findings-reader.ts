import type { Finding, RuleCategory, Severity } from '@pipewatch/shared';

/** Where a page of findings ends: the sort key of its last finding (newest first). */
export interface FindingsCursor {
  /** `detected_at` in epoch milliseconds. */
  at: number;
  id: string;
}

/** What `GET /v1/findings` filters by; every filter present must hold. */
export interface FindingsQuery {
  severities?: Severity[];
  minSeverity?: Severity;
  categories?: RuleCategory[];
  /** Rule id or glob (`access.egress.*`). */
  rule?: string;
  /** `pipeline.repository`, exact or glob. */
  repository?: string;
  /** `pipeline.id`, exact or glob. */
  pipeline?: string;
  /** `run.id`, exact. */
  run?: string;
  /** Inclusive lower bound of `detected_at`, RFC 3339. */
  since?: string;
  /** Exclusive upper bound of `detected_at`, RFC 3339. */
  until?: string;
  limit: number;
  /** Continue after this finding. */
  after?: FindingsCursor;
}

export interface FindingsPage {
  /** Newest first. */
  findings: Finding[];
  /** Set when more findings match after the last one of this page. */
  next: FindingsCursor | null;
  /** Findings matching the filters, over all pages. */
  total: number;
}

export interface PipelineFindings {
  pipelineId: string;
  count: number;
  latest: Finding;
}

/**
 * Read side of the findings the alerter stored: the embedded default's NDJSON
 * file, or the Elasticsearch alias in distributed mode. Failures of the store are
 * thrown as RetryableError; the HTTP edge answers 503.
 */
export interface FindingsReader {
  list(query: FindingsQuery): Promise<FindingsPage>;
  get(findingId: string): Promise<Finding | undefined>;
  /** For every pipeline with findings: how many, and the newest. */
  byPipeline(): Promise<PipelineFindings[]>;
  close?(): Promise<void>;
}
