import { evaluateIncident, type IncidentResult } from '../../test/scenarios/harness/evaluate-incident.js';
import { INCIDENTS } from '../../test/scenarios/incidents/index.js';
import type { ActionRefs } from '../../test/scenarios/traffic/fleet.js';

export interface IncidentSeries {
  id: string;
  title: string;
  when: string;
  sources: string[];
  actionRefs: ActionRefs;
  seeds: number[];
  /** Seeds in which the incident was caught (high or worse on an attack item). */
  caught: number;
  /** Seeds in which every required, measurable expectation matched. */
  met: number;
  /** Per expected catch: in how many seeds one of its rules fired. */
  expected: { anyOf: string[]; via: 'run' | 'log'; sees: string; required: boolean; measurable: boolean; matchedIn: number }[];
  /** The first seed's full result, for the rules-fired column. */
  sample: IncidentResult;
}

/** Every incident over several seeds (different benign histories), with the victim's actions referenced as given. */
export async function measureIncidents(seeds: readonly number[], actionRefs: ActionRefs): Promise<IncidentSeries[]> {
  const out: IncidentSeries[] = [];
  for (const incident of INCIDENTS) {
    const results: IncidentResult[] = [];
    for (const seed of seeds) results.push(await evaluateIncident(incident, seed, { actionRefs }));
    const sample = results[0]!;
    out.push({
      id: incident.id,
      title: incident.title,
      when: incident.when,
      sources: incident.sources,
      actionRefs,
      seeds: [...seeds],
      caught: results.filter((result) => result.caught).length,
      met: results.filter((result) => result.met).length,
      expected: sample.expected.map((expected, index) => ({
        anyOf: expected.anyOf,
        via: expected.via,
        sees: expected.sees,
        required: expected.required !== false,
        measurable: expected.measurable,
        matchedIn: results.filter((result) => result.expected[index]!.matched.length > 0).length,
      })),
      sample,
    });
  }
  return out;
}
