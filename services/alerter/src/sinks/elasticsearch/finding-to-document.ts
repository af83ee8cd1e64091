import type { Finding, Severity } from '@pipewatch/shared';

/** The ECS release whose field names the document follows. */
export const ECS_VERSION = '8.11.0';

/** ECS `event.severity` is numeric; these are the values Elastic's own rules use per level. */
export const ECS_SEVERITY: Record<Severity, number> = { low: 21, medium: 47, high: 73, critical: 99 };

export interface FindingDocumentOptions {
  /** Stamped on every document as ECS `labels.*` (e.g. `{env: 'prod'}`). */
  labels?: Record<string, string>;
  /** The suppression silencing this finding, if any: sets `pipewatch.suppressed` and `pipewatch.suppression`. */
  suppression?: { id: string; until: string; reason: string; author: string };
}

/** Drops undefined members, so the document holds only what the finding had. */
function compact<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as Partial<T>;
}

/**
 * The Elasticsearch document for a finding: ECS names where ECS has them, the
 * finding's own fields under `pipewatch.*`, and the finding itself, unindexed, so
 * it can be read back exactly. Pure: the same finding always gives the same
 * document, which keeps a redelivered write identical to the first one.
 */
export function findingToDocument(finding: Finding, options: FindingDocumentOptions = {}): Record<string, unknown> {
  const { threat, run, pipeline } = finding;
  return compact({
    '@timestamp': finding.detected_at,
    message: finding.summary,
    ecs: { version: ECS_VERSION },
    labels: options.labels && Object.keys(options.labels).length > 0 ? { ...options.labels } : undefined,
    event: {
      kind: 'alert',
      category: ['intrusion_detection'],
      type: ['indicator'],
      module: 'pipewatch',
      dataset: 'pipewatch.finding',
      id: finding.finding_id,
      severity: ECS_SEVERITY[finding.severity],
      // ECS risk scores run 0-100; findings score 0-1.
      risk_score: Math.round(finding.score * 10_000) / 100,
      ...(run.url ? { reference: run.url } : {}),
    },
    rule: { id: finding.rule.id, name: finding.rule.name, category: finding.rule.category, ruleset: 'pipewatch' },
    threat: threat ? { framework: threat.framework, technique: { id: threat.technique.id, name: threat.technique.name } } : undefined,
    pipewatch: compact({
      schema: finding.schema,
      finding_id: finding.finding_id,
      severity: finding.severity,
      score: finding.score,
      pipeline: compact({ id: pipeline.id, name: pipeline.name, repository: pipeline.repository, job: pipeline.job }),
      run: compact({ id: run.id, url: run.url, trigger: run.trigger, branch: run.branch, actor: run.actor, commit: run.commit }),
      subject: finding.subject,
      // Always written, so "suppressed: false" filters see every notified finding.
      suppressed: options.suppression !== undefined,
      // Not in the template's mapping (kept in _source only): for people reading the document.
      suppression: options.suppression ? { ...options.suppression } : undefined,
      event_ids: [...finding.event_ids],
      mitigations: threat?.mitigations ? [...threat.mitigations] : undefined,
      evidence: structuredClone(finding.evidence),
      finding: structuredClone(finding),
    }),
  });
}

/** Findings are indexed by the UTC month they were detected in: `<prefix>-YYYY.MM`. */
export function indexNameFor(prefix: string, detectedAt: string): string {
  const at = new Date(detectedAt);
  if (Number.isNaN(at.getTime())) throw new RangeError(`detected_at is not a time: ${detectedAt}`);
  const month = String(at.getUTCMonth() + 1).padStart(2, '0');
  return `${prefix}-${String(at.getUTCFullYear()).padStart(4, '0')}.${month}`;
}
