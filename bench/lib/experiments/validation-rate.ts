// How much RunEvent validation costs next to JSON.parse, per CPU-second, on the events bench:detect
// generates (createFleet/createRepo/simulateFleet, seed 7). Times, in alternating rounds (best round
// kept): JSON.parse only; JSON.parse + RunEvent.safeParse with the live schemas
// (shared/src/contract); and the same with the uncompiled definition (UncompiledRunEvent: zod's parser alone, as before z.compile).
// `node --import tsx bench/lib/experiments/validation-rate.ts [--events 100000 --pipelines 2000 --seed 7 --rounds 3 --only parse,live,reference]`
import { loadavg } from 'node:os';
import { RunEvent as LiveRunEvent } from '../../../shared/src/contract/run-event.js';
import { UncompiledRunEvent as ReferenceRunEvent } from '../../../shared/src/contract/run-event.js';
import { fleetRunLines } from '../fleet-run-lines.js';
import { positive, readFlags } from '../args.js';
import { describeMachine, machineInfo } from '../machine-info.js';
import { formatTable } from '../table.js';

const flags = readFlags(process.argv.slice(2), {
  events: { type: 'string', default: '100000' },
  pipelines: { type: 'string', default: '2000' },
  seed: { type: 'string', default: '7' },
  rounds: { type: 'string', default: '3' },
  only: { type: 'string', default: 'parse,live,reference' },
});
const wantedEvents = Math.round(positive('events', flags.events));
const wantedPipelines = Math.round(positive('pipelines', flags.pipelines));
const seed = Math.round(positive('seed', flags.seed));
const rounds = Math.round(positive('rounds', flags.rounds));
const only = new Set(flags.only.split(','));


interface Schema {
  safeParse(value: unknown): { success: boolean };
}

const paths: Record<string, (lines: readonly string[]) => number> = {
  parse: (lines) => {
    let check = 0;
    for (const line of lines) check += (JSON.parse(line) as { run: { id: string } }).run.id.length;
    return check;
  },
  live: (lines) => validateAll(lines, LiveRunEvent),
  reference: (lines) => validateAll(lines, ReferenceRunEvent),
};

function validateAll(lines: readonly string[], schema: Schema): number {
  let valid = 0;
  for (const line of lines) if (schema.safeParse(JSON.parse(line)).success) valid++;
  if (valid !== lines.length) throw new Error(`${lines.length - valid} generated events were refused`);
  return valid;
}

const lines = fleetRunLines(wantedEvents, wantedPipelines, seed);
const bytes = lines.reduce((sum, line) => sum + line.length, 0);
process.stderr.write(`machine: ${describeMachine(machineInfo())}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
process.stderr.write(`${lines.length} events, ${Math.round(bytes / lines.length)} bytes each\n`);

const best = new Map<string, number>();
for (let round = 0; round < rounds; round++) {
  for (const [name, run] of Object.entries(paths)) {
    if (!only.has(name)) continue;
    const cpu = process.cpuUsage();
    run(lines);
    const used = process.cpuUsage(cpu);
    const rate = lines.length / ((used.user + used.system) / 1e6);
    process.stderr.write(`round ${round + 1} ${name}: ${Math.round(rate)} events per CPU-s\n`);
    best.set(name, Math.max(best.get(name) ?? 0, rate));
  }
}

const parseRate = best.get('parse');
const rows = [...best].map(([name, rate]) => [name, Math.round(rate), parseRate ? Number((parseRate / rate).toFixed(2)) : undefined]);
process.stdout.write(`\n${formatTable(['path', 'events per CPU-s (best round)', 'cost × JSON.parse'], rows)}\n`);
process.stdout.write(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
