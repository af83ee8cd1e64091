// Sensor benchmark: what the strace sensor (startTracedCommand: strace -f --seccomp-bpf) costs a
// job, and what it sees that /proc sampling misses. Each workload runs without the sensor (plain
// spawn) and with it (traced), alternating, on this machine in this run; the median counts.
// `npm run bench:sensor [-- --reps 3 --processes 1000 --connections 1000 --parallel 4 --interval-ms 250 --workloads tsc,npm-ci,synthetic --no-warmup]`
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { straceAvailable } from '@pipewatch/forwarder';
import { positive, readFlags } from './lib/args.js';
import { busyMachineWarning, describeMachine, machineInfo } from './lib/machine-info.js';
import { REPO_ROOT, RESULTS_DIR } from './lib/repo-paths.js';
import { startLoopbackPorts, type LoopbackPorts } from './lib/sensor/loopback-ports.js';
import { createNpmProject, type NpmProject } from './lib/sensor/npm-project.js';
import { runPlain, runTraced, type CommandSpec, type Mode, type RunResult } from './lib/sensor/run-command.js';
import { createTraceCounter, parseSyntheticReport, sampledSeen, writeSyntheticScript, type Seen } from './lib/sensor/synthetic.js';
import { formatTable, type Cell } from './lib/table.js';
import { writeResult } from './lib/write-result.js';

const TARGET_OVERHEAD_PCT = 10;
const TARGET_COMPLETENESS_PCT = 100;
const WORKLOADS = ['tsc', 'npm-ci', 'synthetic'] as const;
type WorkloadName = (typeof WORKLOADS)[number];

const flags = readFlags(process.argv.slice(2), {
  reps: { type: 'string', default: '3' },
  processes: { type: 'string', default: '1000' },
  connections: { type: 'string', default: '1000' },
  parallel: { type: 'string', default: '4' },
  'interval-ms': { type: 'string', default: '250' },
  workloads: { type: 'string', default: WORKLOADS.join(',') },
  'no-warmup': { type: 'boolean', default: false },
});
const reps = Math.round(positive('reps', flags.reps));
const processes = Math.round(positive('processes', flags.processes));
const connections = Math.round(positive('connections', flags.connections));
const parallel = Math.round(positive('parallel', flags.parallel));
const intervalMs = positive('interval-ms', flags['interval-ms']);
const selected = flags.workloads.split(',').map((name) => name.trim()) as WorkloadName[];
for (const name of selected) if (!WORKLOADS.includes(name)) throw new Error(`--workloads: unknown ${name} (known: ${WORKLOADS.join(', ')})`);
const log = (line: string): void => void process.stderr.write(`[bench:sensor] ${line}\n`);

/** The workloads' environment: ours less what `npm run` adds (npm_config_* would steer the inner npm ci). */
const childEnv: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));

interface Workload {
  name: WorkloadName;
  title: string;
  spec: CommandSpec;
  modes: Mode[];
  /** Runs before each measured run, outside the clock. */
  before?: () => void;
  /** Throws when the run did not do its work. */
  check: (run: RunResult) => void;
}

interface Measured extends RunResult {
  rep: number;
  /** 1-minute load average just before the run: the other work sharing the cores. */
  load1: number;
  /** Synthetic only: what the sensor (traced) or the sampler (sampled) saw. */
  seen?: Seen & { connectEvents?: number; execEvents?: number };
  /** Synthetic only: what the script itself did. */
  did?: { processes: number; connections: number };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const round = (value: number, digits = 2): number => Number(value.toFixed(digits));
const pct = (withValue: number, without: number): number => round(((withValue - without) / without) * 100, 1);
const exitedOk = (run: RunResult, what: string): void => {
  if (run.exitCode !== 0) throw new Error(`${what} (${run.mode}) exited ${run.exitCode ?? run.signal}: ${run.stderrTail.slice(-800) || run.stdoutTail.slice(-800)}`);
};

async function main(): Promise<void> {
  const machine = machineInfo();
  log(`machine: ${describeMachine(machine)}; load average ${machine.load_average.join(' / ')}`);
  const probe = await straceAvailable();
  if (!probe.ok) throw new Error(`the strace sensor cannot run here (${probe.reason}); install strace ≥ 5.3 and allow ptrace, then run again`);
  log(`strace ${probe.version}`);
  const tsc = join(REPO_ROOT, 'node_modules/typescript/bin/tsc');
  if (!existsSync(tsc)) throw new Error('node_modules/typescript is missing: run npm install first');

  const work = mkdtempSync(join(tmpdir(), 'pipewatch-bench-sensor-'));
  let npmProject: NpmProject | undefined;
  let listeners: LoopbackPorts | undefined;
  const began = performance.now();
  try {
    const workloads: Workload[] = [];
    if (selected.includes('tsc')) {
      workloads.push({
        name: 'tsc',
        title: 'tsc -b --force (this repository, every project rebuilt)',
        spec: { command: [process.execPath, tsc, '-b', '--force'], cwd: REPO_ROOT, env: childEnv },
        modes: ['plain', 'traced'],
        check: (run) => exitedOk(run, 'tsc -b --force'),
      });
    }
    if (selected.includes('npm-ci')) {
      npmProject = createNpmProject(join(REPO_ROOT, 'package-lock.json'));
      const project = npmProject;
      log(`npm ci project: ${project.packages} packages (${Object.keys(project.dependencies).join(', ')}) in ${project.dir}`);
      workloads.push({
        name: 'npm-ci',
        title: `npm ci --offline, warm cache (${project.packages} packages)`,
        spec: { command: ['npm', 'ci', '--offline', '--no-audit', '--no-fund'], cwd: project.dir, env: childEnv },
        modes: ['plain', 'traced'],
        before: () => rmSync(join(project.dir, 'node_modules'), { recursive: true, force: true }),
        check(run) {
          exitedOk(run, 'npm ci');
          if (!/added \d+ packages?/.test(run.stdoutTail)) throw new Error(`npm ci (${run.mode}) did not report its packages: ${run.stdoutTail.slice(-400)}`);
        },
      });
    }
    let ports: number[] = [];
    if (selected.includes('synthetic')) {
      listeners = await startLoopbackPorts(connections);
      ports = listeners.ports;
      const script = writeSyntheticScript(work, { processes, parallel, ports });
      log(`synthetic: ${processes} × sleep 0.01 (${parallel} at a time), then ${connections} TCP connections to ${connections} listeners on 127.0.0.1`);
      workloads.push({
        name: 'synthetic',
        title: `synthetic: ${processes} processes of 10 ms, ${connections} loopback connections`,
        spec: { command: ['/bin/bash', script], cwd: work, env: childEnv },
        modes: ['plain', 'traced', 'sampled'],
        check(run) {
          exitedOk(run, 'synthetic');
          const did = parseSyntheticReport(run.stdoutTail);
          if (!did || did.processes !== processes || did.connections !== connections) throw new Error(`synthetic (${run.mode}) did not do its work: ${run.stdoutTail.slice(-400)}`);
        },
      });
    }

    const runs = new Map<WorkloadName, Measured[]>();
    for (const workload of workloads) {
      const list: Measured[] = [];
      runs.set(workload.name, list);
      const once = async (mode: Mode, rep: number): Promise<Measured> => {
        workload.before?.();
        const counter = workload.name === 'synthetic' ? createTraceCounter(ports) : undefined;
        const acceptedBefore = listeners && workload.name === 'synthetic' ? await listeners.accepted() : 0;
        const load1 = Number(loadavg()[0]!.toFixed(2));
        const run =
          mode === 'traced' ? await runTraced(workload.spec, counter?.onEvent) : await runPlain(workload.spec, mode === 'sampled' ? { intervalMs } : undefined);
        workload.check(run);
        const measured: Measured = { ...run, rep, load1 };
        if (workload.name === 'synthetic') {
          const did = parseSyntheticReport(run.stdoutTail)!;
          const accepted = (await listeners!.accepted()) - acceptedBefore;
          if (accepted !== connections) throw new Error(`synthetic (${mode}): the listeners accepted ${accepted} connections, not ${connections}`);
          measured.did = did;
          if (mode === 'traced') measured.seen = counter!.seen();
          if (mode === 'sampled') measured.seen = sampledSeen(run.observation!, ports);
        }
        return measured;
      };
      if (!flags['no-warmup']) {
        log(`${workload.name}: warm-up run (plain, not counted)`);
        const warm = await once('plain', 0);
        log(`${workload.name}: warm-up ${warm.wallS.toFixed(2)} s`);
      }
      for (let rep = 1; rep <= reps; rep++) {
        // Alternate which mode goes first, so a drift of the machine does not land on one mode.
        const paired = workload.modes.filter((mode) => mode !== 'sampled');
        const order: Mode[] = [...(rep % 2 === 1 ? paired : [...paired].reverse()), ...workload.modes.filter((mode) => mode === 'sampled')];
        for (const mode of order) {
          const run = await once(mode, rep);
          list.push(run);
          const seen = run.seen ? `; seen ${run.seen.processes} processes, ${run.seen.connections} connections` : '';
          const trace = run.trace ? `; ${run.trace.lines} trace lines, ${run.trace.events} events` : '';
          log(`${workload.name} ${rep}/${reps} ${mode} (load ${run.load1}): ${run.wallS.toFixed(2)} s wall, tree ${run.childCpuS.toFixed(2)} + bench ${run.selfCpuS.toFixed(2)} CPU s${trace}${seen}`);
        }
      }
    }
    const elapsedS = (performance.now() - began) / 1000;

    // Summaries: medians per workload and mode.
    const of = (name: WorkloadName, mode: Mode): Measured[] => (runs.get(name) ?? []).filter((run) => run.mode === mode);
    const summary = workloads.map((workload) => {
      const modes = Object.fromEntries(
        workload.modes.map((mode) => {
          const list = of(workload.name, mode);
          return [
            mode,
            {
              runs: list.length,
              wall_s: round(median(list.map((run) => run.wallS))),
              wall_s_each: list.map((run) => round(run.wallS)),
              tree_cpu_s: round(median(list.map((run) => run.childCpuS))),
              bench_cpu_s: round(median(list.map((run) => run.selfCpuS))),
              total_cpu_s: round(median(list.map((run) => run.childCpuS + run.selfCpuS))),
              ...(mode === 'traced'
                ? {
                    command_exit_s: round(median(list.map((run) => run.commandWallS ?? run.wallS))),
                    trace_lines: Math.round(median(list.map((run) => run.trace!.lines))),
                    events: Math.round(median(list.map((run) => run.trace!.events))),
                    unparsed_lines_max: Math.max(...list.map((run) => run.trace!.unparsed)),
                    events_by_kind: list.at(-1)!.trace!.byKind,
                  }
                : {}),
            },
          ];
        }),
      ) as Record<Mode, { runs: number; wall_s: number; wall_s_each: number[]; tree_cpu_s: number; bench_cpu_s: number; total_cpu_s: number; command_exit_s?: number; trace_lines?: number; events?: number; unparsed_lines_max?: number; events_by_kind?: Record<string, number> }>;
      const plain = modes.plain;
      const traced = modes.traced;
      const wallOverhead = pct(traced.wall_s, plain.wall_s);
      const cpuOverhead = pct(traced.total_cpu_s, plain.total_cpu_s);
      const targeted = workload.name !== 'synthetic';
      // Per repetition, the two runs went back to back: their ratio cancels slow drifts of the machine's load.
      const pairs = Array.from({ length: reps }, (_, index) => {
        const plainRun = of(workload.name, 'plain').find((run) => run.rep === index + 1)!;
        const tracedRun = of(workload.name, 'traced').find((run) => run.rep === index + 1)!;
        return {
          wall: pct(tracedRun.wallS, plainRun.wallS),
          cpu: pct(tracedRun.childCpuS + tracedRun.selfCpuS, plainRun.childCpuS + plainRun.selfCpuS),
        };
      });
      return {
        workload: workload.name,
        title: workload.title,
        command: workload.spec.command.map((part) => part.replace(REPO_ROOT, '')).join(' '),
        modes,
        wall_overhead_pct: wallOverhead,
        cpu_overhead_pct: cpuOverhead,
        paired_wall_overhead_pct: { median: round(median(pairs.map((p) => p.wall)), 1), each: pairs.map((p) => p.wall) },
        paired_cpu_overhead_pct: { median: round(median(pairs.map((p) => p.cpu)), 1), each: pairs.map((p) => p.cpu) },
        tree_cpu_overhead_pct: pct(traced.tree_cpu_s, plain.tree_cpu_s),
        target_overhead_pct: targeted ? TARGET_OVERHEAD_PCT : null,
        wall_target_met: targeted ? wallOverhead <= TARGET_OVERHEAD_PCT : null,
        cpu_within_target: targeted ? cpuOverhead <= TARGET_OVERHEAD_PCT : null,
      };
    });

    const completeness = selected.includes('synthetic')
      ? (['traced', 'sampled'] as const).map((mode) => {
          const list = of('synthetic', mode);
          const processesSeen = list.map((run) => run.seen!.processes);
          const connectionsSeen = list.map((run) => run.seen!.connections);
          const share = (values: number[], of: number) => ({
            median: Math.round(median(values)),
            min: Math.min(...values),
            max: Math.max(...values),
            each: values,
            of,
            median_pct: round((median(values) / of) * 100, 1),
            min_pct: round((Math.min(...values) / of) * 100, 1),
          });
          const p = share(processesSeen, processes);
          const c = share(connectionsSeen, connections);
          return {
            sensor: mode === 'traced' ? 'strace (onEvent exec / connect)' : `/proc sampling alone, every ${intervalMs} ms`,
            mode,
            processes: p,
            connections: c,
            samples: mode === 'sampled' ? list.map((run) => run.observation!.samples) : undefined,
            target_pct: mode === 'traced' ? TARGET_COMPLETENESS_PCT : null,
            target_met: mode === 'traced' ? p.min_pct >= TARGET_COMPLETENESS_PCT && c.min_pct >= TARGET_COMPLETENESS_PCT : null,
          };
        })
      : [];

    // Tables.
    const verdict = (met: boolean | null): string => (met === null ? '' : met ? 'MET' : 'MISSED');
    const wallTable = formatTable(
      ['workload', 'runs', 'without s', 'with s', 'overhead %', 'target', 'wall', 'paired overhead % (median; each rep)', 'with: command exit s', 'runs without / with s', 'load before each run (run order)'],
      summary.map((s): Cell[] => [
        s.title,
        `${s.modes.plain.runs}+${s.modes.traced.runs}`,
        s.modes.plain.wall_s,
        s.modes.traced.wall_s,
        s.wall_overhead_pct,
        s.target_overhead_pct === null ? '(none)' : `≤ ${s.target_overhead_pct} %`,
        verdict(s.wall_target_met),
        `${s.paired_wall_overhead_pct.median} (${s.paired_wall_overhead_pct.each.join(', ')})`,
        s.modes.traced.command_exit_s,
        `${s.modes.plain.wall_s_each.join(' ')} / ${s.modes.traced.wall_s_each.join(' ')}`,
        (runs.get(s.workload as WorkloadName) ?? []).filter((run) => run.mode !== 'sampled').map((run) => run.load1.toFixed(1)).join(' '),
      ]),
    );
    const cpuTable = formatTable(
      ['workload', 'without: tree', 'without: bench', 'with: tree + strace', 'with: bench (trace parsing)', 'without total', 'with total', 'CPU overhead %', 'paired (each rep)', 'tree-only overhead %', '≤ 10 %?'],
      summary.map((s): Cell[] => [
        s.workload,
        s.modes.plain.tree_cpu_s,
        s.modes.plain.bench_cpu_s,
        s.modes.traced.tree_cpu_s,
        s.modes.traced.bench_cpu_s,
        s.modes.plain.total_cpu_s,
        s.modes.traced.total_cpu_s,
        s.cpu_overhead_pct,
        `${s.paired_cpu_overhead_pct.median} (${s.paired_cpu_overhead_pct.each.join(', ')})`,
        s.tree_cpu_overhead_pct,
        s.cpu_within_target === null ? '' : s.cpu_within_target ? 'yes' : 'no',
      ]),
    );
    const kinds = ['exec', 'connect', 'dns', 'traffic', 'file', 'proc_read', 'exit'];
    const traceTable = formatTable(
      ['workload (traced, median)', 'trace lines', 'events', ...kinds.map((kind) => `${kind} (last run)`), 'unparsed (max)'],
      summary.map((s): Cell[] => [s.workload, s.modes.traced.trace_lines, s.modes.traced.events, ...kinds.map((kind) => s.modes.traced.events_by_kind?.[kind] ?? 0), s.modes.traced.unparsed_lines_max]),
    );
    const sampledRow = summary.find((s) => s.workload === 'synthetic')?.modes.sampled;
    const completenessTable = formatTable(
      ['sensor', 'processes seen / started', '%', 'connections seen / opened', '%', 'runs (processes; connections)', 'target', 'met'],
      completeness.map((c): Cell[] => [
        c.sensor,
        `${c.processes.median.toLocaleString('en-US')} / ${c.processes.of.toLocaleString('en-US')}`,
        c.processes.median_pct,
        `${c.connections.median.toLocaleString('en-US')} / ${c.connections.of.toLocaleString('en-US')}`,
        c.connections.median_pct,
        `${c.processes.each.join(' ')}; ${c.connections.each.join(' ')}`,
        c.target_pct === null ? '(fallback)' : `${c.target_pct} %`,
        verdict(c.target_met),
      ]),
    );
    const loadAtEnd = loadavg().map((value) => Number(value.toFixed(2)));
    process.stdout.write(
      [
        '',
        `sensor: strace ${probe.version} -f --seccomp-bpf (startTracedCommand, events counted in onEvent; no aggregation) against a plain spawn; medians of ${reps} alternating runs each, after one untraced warm-up${flags['no-warmup'] ? ' (skipped)' : ''}`,
        `machine: ${describeMachine(machine)}; load average ${machine.load_average.join(' / ')} before, ${loadAtEnd.join(' / ')} after; ${Math.round(elapsedS)} s in all`,
        busyMachineWarning(machine) ?? '',
        '',
        'wall time (from spawn until the command tree ended and every trace line was read); "overhead %" compares the medians (the target\'s figure),',
        '"paired" is the median of each repetition\'s back-to-back pair, which cancels slow drifts of the load; a spread wider than the target means the machine was too busy to decide',
        wallTable,
        '',
        'CPU seconds: "tree" is the command tree (and strace, traced) from /proc/self/stat cutime + cstime; "bench" is this process (process.cpuUsage): reading and parsing the trace',
        cpuTable,
        '',
        traceTable,
        ...(completeness.length
          ? [
              '',
              `completeness (synthetic workload; ${sampledRow ? `the sampled runs took ${sampledRow.wall_s} s median` : ''})`,
              completenessTable,
              'What is compared: processes = distinct pids that exec\'d /bin/sleep (strace) against distinct (pid, start time) in the tree less the bash root',
              '(sampler processCount - 1); the tree holds nothing else. Connections = distinct benchmark ports connected to (strace connect events) against',
              'distinct (tcp, 127.0.0.1, port) egress destinations (sampler); every connection goes to a listener of its own, so a destination is a connection.',
              'Every run checked the work was done: the script reported every sleep and connection, and the listeners accepted every connection.',
            ]
          : []),
        '',
      ]
        .filter((line, index, lines) => line !== '' || lines[index - 1] !== '')
        .join('\n') + '\n',
    );
    const path = writeResult(RESULTS_DIR, 'sensor', {
      benchmark: 'sensor',
      machine,
      load_average_at_end: loadAtEnd,
      elapsed_s: Math.round(elapsedS),
      strace_version: probe.version,
      settings: { reps, processes, connections, parallel, sample_interval_ms: intervalMs, warmup: !flags['no-warmup'], workloads: selected },
      ...(npmProject ? { npm_ci_project: { packages: npmProject.packages, dependencies: npmProject.dependencies } } : {}),
      workloads: summary,
      completeness,
      runs: Object.fromEntries(
        [...runs].map(([name, list]) => [
          name,
          list.map((run) => ({
            rep: run.rep,
            mode: run.mode,
            load_average_1m_before: run.load1,
            wall_s: round(run.wallS, 3),
            ...(run.commandWallS !== undefined ? { command_exit_s: round(run.commandWallS, 3) } : {}),
            tree_cpu_s: round(run.childCpuS),
            bench_cpu_s: round(run.selfCpuS),
            exit_code: run.exitCode,
            ...(run.trace ? { trace: run.trace } : {}),
            ...(run.seen ? { seen: run.seen } : {}),
            ...(run.observation ? { samples: run.observation.samples, sampler_process_count: run.observation.processCount, sampler_egress: run.observation.egress.length } : {}),
          })),
        ]),
      ),
      targets: { overhead_pct_build_workloads: TARGET_OVERHEAD_PCT, completeness_pct_traced: TARGET_COMPLETENESS_PCT },
    });
    log(`wrote ${path}`);
  } finally {
    await listeners?.stop().catch(() => undefined);
    if (npmProject) rmSync(npmProject.dir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`[bench:sensor] failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 1;
});
