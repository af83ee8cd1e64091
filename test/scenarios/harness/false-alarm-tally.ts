import { severityRank, type Finding, type Severity } from '@pipewatch/shared';
import { runIdOf, pipelineOf, type ScenarioItem } from '../scenario-item.js';

export interface RuleTally {
  rule: string;
  count: number;
  bySeverity: Partial<Record<Severity, number>>;
  /** Benign causes of the items that raised it ("none" when the generator put nothing unusual in). */
  byCause: Record<string, number>;
  /** Alerts that are not a repeat of the same (rule, subject) on the pipeline's previous run. */
  fresh: number;
  /** Most frequent subjects (hosts, series, actions), for tuning. */
  topSubjects: [subject: string, count: number][];
}

export interface FalseAlarmSummary {
  runs: number;
  logBatches: number;
  /** Log batches that could not be judged (the detector has no log rules). */
  logBatchesUnmeasured: number;
  /** Findings at or above the alert severity on benign items. */
  alerts: number;
  alertsPer1000Runs: number;
  /**
   * Alerts that do not repeat the pipeline's previous run: a pipeline stuck on one
   * change (an unlearned high finding raised again on every run) counts once per episode.
   */
  freshAlerts: number;
  freshAlertsPer1000Runs: number;
  /** Distinct runs (run events and their logs together) with at least one alert. */
  alertedRuns: number;
  alertedRunsPer1000: number;
  fromLogs: number;
  bySeverity: Partial<Record<Severity, number>>;
  belowAlertSeverity: number;
  rules: RuleTally[];
}

/**
 * Counts what the detector raised on traffic known to be benign: every finding
 * at `alertSeverity` or above is a false alarm, attributed to its rule and to the
 * benign causes the generator recorded on the item.
 */
export function createFalseAlarmTally(alertSeverity: Severity = 'medium') {
  let runs = 0;
  let logBatches = 0;
  let unmeasured = 0;
  let alerts = 0;
  let fromLogs = 0;
  let below = 0;
  const bySeverity: Partial<Record<Severity, number>> = {};
  const alerted = new Set<string>();
  // Per pipeline and item kind: the (rule, subject) pairs the previous item raised.
  const previous = new Map<string, Set<string>>();
  let fresh = 0;
  const rules = new Map<string, { count: number; fresh: number; bySeverity: Partial<Record<Severity, number>>; byCause: Map<string, number>; subjects: Map<string, number> }>();

  return {
    add(item: ScenarioItem, findings: readonly Finding[], measured = true): void {
      const stream = `${item.kind}\u0000${pipelineOf(item)}`;
      const before = previous.get(stream) ?? new Set<string>();
      const now = new Set<string>();
      previous.set(stream, now);
      if (item.kind === 'run') runs++;
      else if (measured) logBatches++;
      else unmeasured++;
      for (const finding of findings) {
        if (severityRank(finding.severity) < severityRank(alertSeverity)) {
          below++;
          continue;
        }
        alerts++;
        if (item.kind === 'log') fromLogs++;
        bump(bySeverity, finding.severity);
        alerted.add(`${pipelineOf(item)}\u0000${runIdOf(item)}`);
        let tally = rules.get(finding.rule.id);
        if (!tally) rules.set(finding.rule.id, (tally = { count: 0, fresh: 0, bySeverity: {}, byCause: new Map(), subjects: new Map() }));
        tally.count++;
        const key = `${finding.rule.id}\u0000${finding.subject ?? ''}`;
        now.add(key);
        if (!before.has(key)) {
          fresh++;
          tally.fresh++;
        }
        bump(tally.bySeverity, finding.severity);
        for (const cause of item.causes.length > 0 ? item.causes : ['none']) tally.byCause.set(cause, (tally.byCause.get(cause) ?? 0) + 1);
        const subject = finding.subject ?? '';
        tally.subjects.set(subject, (tally.subjects.get(subject) ?? 0) + 1);
      }
    },
    summary(): FalseAlarmSummary {
      const per1000 = (count: number) => (runs === 0 ? 0 : Math.round((count / runs) * 1000 * 100) / 100);
      return {
        runs,
        logBatches,
        logBatchesUnmeasured: unmeasured,
        alerts,
        alertsPer1000Runs: per1000(alerts),
        freshAlerts: fresh,
        freshAlertsPer1000Runs: per1000(fresh),
        alertedRuns: alerted.size,
        alertedRunsPer1000: per1000(alerted.size),
        fromLogs,
        bySeverity,
        belowAlertSeverity: below,
        rules: [...rules.entries()]
          .map(([rule, tally]) => ({
            rule,
            count: tally.count,
            fresh: tally.fresh,
            bySeverity: tally.bySeverity,
            byCause: Object.fromEntries([...tally.byCause.entries()].sort((a, b) => b[1] - a[1])),
            topSubjects: [...tally.subjects.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 5),
          }))
          .sort((a, b) => b.count - a.count || (a.rule < b.rule ? -1 : 1)),
      };
    },
  };
}

function bump<K extends string>(record: Partial<Record<K, number>>, key: K): void {
  record[key] = (record[key] ?? 0) + 1;
}
