import { severityRank, type Finding, type Severity } from '@pipewatch/shared';
import { globMatches } from '@pipewatch/alerter';
import type { FindingsQuery } from './findings-reader.js';

const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];

/** The severities a query admits, combining `severity=` and `min_severity=`; undefined = all. */
export function admittedSeverities(query: Pick<FindingsQuery, 'severities' | 'minSeverity'>): Severity[] | undefined {
  if (!query.severities && !query.minSeverity) return undefined;
  const floor = query.minSeverity ? severityRank(query.minSeverity) : 0;
  return SEVERITIES.filter((severity) => (query.severities ? query.severities.includes(severity) : true) && severityRank(severity) >= floor);
}

/** The filters of a query as one predicate, for readers that hold findings in memory. */
export function findingPredicate(query: FindingsQuery): (finding: Finding) => boolean {
  const severities = admittedSeverities(query);
  const since = query.since ? Date.parse(query.since) : Number.NEGATIVE_INFINITY;
  const until = query.until ? Date.parse(query.until) : Number.POSITIVE_INFINITY;
  return (finding) => {
    if (severities && !severities.includes(finding.severity)) return false;
    if (query.categories && !query.categories.includes(finding.rule.category)) return false;
    if (query.rule && !globMatches(query.rule, finding.rule.id)) return false;
    if (query.pipeline && !globMatches(query.pipeline, finding.pipeline.id)) return false;
    if (query.repository && (finding.pipeline.repository === undefined || !globMatches(query.repository, finding.pipeline.repository))) return false;
    if (query.run && finding.run.id !== query.run) return false;
    const at = Date.parse(finding.detected_at);
    return at >= since && at < until;
  };
}
