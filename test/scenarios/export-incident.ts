/**
 * Writes one replayed incident (its benign history, logs included, then the attack)
 * as NDJSON for `pipewatch replay`:
 *
 *   npx tsx test/scenarios/export-incident.ts codecov-bash-uploader > codecov.ndjson
 *   npx pipewatch replay codecov.ndjson
 *
 * With no id it lists the incidents. `--seed N` picks another benign history.
 */
import { INCIDENTS, incidentStream, type Incident } from './incidents/index.js';
import type { ScenarioItem } from './scenario-item.js';

/** The stream's lines: each run event or log batch exactly as a collector would publish it. */
export function incidentLines(incident: Incident, seed: number): string[] {
  return incidentStream(incident, seed).map((item: ScenarioItem) => JSON.stringify(item.kind === 'run' ? item.event : item.batch));
}

function main(argv: string[]): void {
  const seedAt = argv.indexOf('--seed');
  const seed = seedAt >= 0 ? Number(argv[seedAt + 1]) : 1;
  const id = argv.find((arg, index) => !arg.startsWith('--') && (seedAt < 0 || index !== seedAt + 1));
  const incident = INCIDENTS.find((candidate) => candidate.id === id);
  if (!incident || !Number.isInteger(seed)) {
    process.stderr.write(`usage: export-incident.ts <id> [--seed N]\nincidents:\n${INCIDENTS.map((item) => `  ${item.id}  ${item.title}`).join('\n')}\n`);
    process.exitCode = 2;
    return;
  }
  process.stdout.write(`${incidentLines(incident, seed).join('\n')}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) main(process.argv.slice(2));
