import type { Finding } from '@pipewatch/shared';
import type { PipelineBaseline } from '@pipewatch/detector';
import { baselineStatus, type BaselineStatus } from '../baselines/baseline-reader.js';
import type { PipelineFindings } from '../findings/findings-reader.js';

/** One row of `GET /v1/pipelines`. */
export interface PipelineRow {
  id: string;
  repository: string | null;
  /** `unknown`: findings exist but no baseline was read (e.g. no changelog configured). */
  status: BaselineStatus | 'unknown';
  runs: number | null;
  first_run_at: string | null;
  last_run_at: string | null;
  /** Numeric series the baseline holds, e.g. `resources.duration_s`. */
  series: string[];
  findings: number;
  last_finding: { finding_id: string; rule_id: string; rule_name: string; severity: Finding['severity']; detected_at: string; summary: string } | null;
}

const lastActivity = (row: PipelineRow): number => Math.max(Date.parse(row.last_run_at ?? '') || 0, Date.parse(row.last_finding?.detected_at ?? '') || 0);

/** Baselines and per-pipeline findings joined by pipeline id, most recently active first. */
export function pipelineRows(baselines: readonly PipelineBaseline[], findings: readonly PipelineFindings[], minRuns: number): PipelineRow[] {
  const byPipeline = new Map(findings.map((entry) => [entry.pipelineId, entry]));
  const rows: PipelineRow[] = baselines.map((baseline) => ({
    id: baseline.pipeline_id,
    repository: baseline.repository,
    status: baselineStatus(baseline, minRuns),
    runs: baseline.runs,
    first_run_at: baseline.first_run_at,
    last_run_at: baseline.last_run_at,
    series: Object.keys(baseline.numeric).sort(),
    ...findingColumns(byPipeline.get(baseline.pipeline_id)),
  }));
  const known = new Set(baselines.map((baseline) => baseline.pipeline_id));
  for (const entry of findings) {
    if (known.has(entry.pipelineId)) continue;
    rows.push({
      id: entry.pipelineId,
      repository: entry.latest.pipeline.repository ?? null,
      status: 'unknown',
      runs: null,
      first_run_at: null,
      last_run_at: null,
      series: [],
      ...findingColumns(entry),
    });
  }
  return rows.sort((a, b) => lastActivity(b) - lastActivity(a) || (a.id < b.id ? -1 : 1));
}

function findingColumns(entry: PipelineFindings | undefined): Pick<PipelineRow, 'findings' | 'last_finding'> {
  if (!entry) return { findings: 0, last_finding: null };
  const { latest } = entry;
  return {
    findings: entry.count,
    last_finding: {
      finding_id: latest.finding_id,
      rule_id: latest.rule.id,
      rule_name: latest.rule.name,
      severity: latest.severity,
      detected_at: latest.detected_at,
      summary: latest.summary,
    },
  };
}
