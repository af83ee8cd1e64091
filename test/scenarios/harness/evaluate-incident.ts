import { severityRank, type Finding, type Severity } from '@pipewatch/shared';
import { incidentStream, type ExpectedCatch, type Incident, type StreamOptions } from '../incidents/incident.js';
import { eventIdOf } from '../scenario-item.js';
import { createFalseAlarmTally, type FalseAlarmSummary } from './false-alarm-tally.js';
import { createScenarioDetector, type ScenarioDetectorOptions } from './scenario-detector.js';

export interface CatchResult extends ExpectedCatch {
  /** Rules of `anyOf` that fired on an attack item of the right kind. */
  matched: string[];
  /** False for log catches while the detector has no log rules. */
  measurable: boolean;
}

export interface FiredRule {
  rule: string;
  severity: Severity;
  score: number;
  via: 'run' | 'log';
  event_id: string;
}

export interface IncidentResult {
  id: string;
  title: string;
  when: string;
  sources: string[];
  attackItems: number;
  /** At least one finding of high severity or worse on an attack item. */
  caught: boolean;
  /** Every measurable, required expected catch matched by at least one of its rules. */
  expectedMatched: boolean;
  /** Caught, by a matching rule, with every measurable expectation met. */
  met: boolean;
  fired: FiredRule[];
  /** Rules raised on each attack item, in stream order. */
  perItem: { event_id: string; kind: 'run' | 'log'; rules: string[] }[];
  expected: CatchResult[];
  /** What the detector raised on the incident's own benign history (alert severity and up). */
  benign: FalseAlarmSummary;
}

/** Replays one incident (benign history, then the attack) and reports what caught it. */
export async function evaluateIncident(incident: Incident, seed: number, options: ScenarioDetectorOptions & StreamOptions = {}): Promise<IncidentResult> {
  const detector = createScenarioDetector(options);
  const tally = createFalseAlarmTally();
  const fired = new Map<string, FiredRule>();
  let attackItems = 0;
  const perItem: IncidentResult['perItem'] = [];
  for (const item of incidentStream(incident, seed, options)) {
    const judged = await detector.judge(item);
    if (!item.attack) {
      tally.add(item, judged.findings, judged.measured);
      continue;
    }
    attackItems++;
    perItem.push({ event_id: eventIdOf(item), kind: item.kind, rules: judged.findings.map((finding) => finding.rule.id) });
    for (const finding of judged.findings) note(fired, finding, item.kind, eventIdOf(item));
  }
  const firedList = [...fired.values()].sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || b.score - a.score || (a.rule < b.rule ? -1 : 1));
  const expected = incident.expected.map((catchSpec): CatchResult => ({
    ...catchSpec,
    matched: catchSpec.anyOf.filter((rule) => firedList.some((hit) => hit.rule === rule && hit.via === catchSpec.via)),
    measurable: catchSpec.via === 'run' || detector.logsMeasurable,
  }));
  const caught = firedList.some((hit) => severityRank(hit.severity) >= severityRank('high'));
  const expectedMatched = expected.every((result) => result.required === false || !result.measurable || result.matched.length > 0);
  const anyMatch = expected.some((result) => result.matched.length > 0);
  return {
    id: incident.id,
    title: incident.title,
    when: incident.when,
    sources: incident.sources,
    attackItems,
    caught,
    expectedMatched,
    met: caught && anyMatch && expectedMatched,
    fired: firedList,
    perItem,
    expected,
    benign: tally.summary(),
  };
}

/** Keeps the strongest sighting of each rule per item kind. */
function note(fired: Map<string, FiredRule>, finding: Finding, via: 'run' | 'log', eventId: string): void {
  const key = `${via}\u0000${finding.rule.id}`;
  const known = fired.get(key);
  if (known && (severityRank(known.severity) > severityRank(finding.severity) || (known.severity === finding.severity && known.score >= finding.score))) return;
  fired.set(key, { rule: finding.rule.id, severity: finding.severity, score: finding.score, via, event_id: eventId });
}
