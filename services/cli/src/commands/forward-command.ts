import { InvalidArgumentError, type Command } from 'commander';
import { detectCiMetadata, resolveForwarderSettings, runForward, type ForwarderFlags, type ForwarderSettings, type SensorMode } from '@pipewatch/forwarder';

interface ForwardOptions {
  collector?: string;
  pipeline?: string;
  run?: string;
  attempt?: number;
  step?: string;
  sensor?: SensorMode;
  dnsPort?: number[];
  failOn?: 'low' | 'medium' | 'high' | 'critical';
  sampleIntervalMs?: number;
  ignoreLoopback?: boolean;
  spoolDir?: string;
  spoolMaxBytes?: number;
  batchLines?: number;
  batchIntervalMs?: number;
  timeoutMs?: number;
  retries?: number;
  flushTimeoutMs?: number;
  status: boolean;
  quiet?: boolean;
}

const FORWARDED_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export function registerForward(program: Command): void {
  program
    .command('forward')
    .description('Run a CI command (or read piped stdin), pass its output through unchanged, and ship logs and a run event to the collector.')
    .usage('[options] [-- command args...]')
    .argument('[command...]', 'the command to run, after --; without one, standard input is forwarded')
    .option('--collector <url>', 'collector base URL (default: $PIPEWATCH_COLLECTOR_URL)')
    .option('--pipeline <id>', 'pipeline id, when no CI is detected or to override it')
    .option('--run <id>', 'run id, when no CI is detected or to override it')
    .option('--attempt <n>', 'run attempt', nonNegativeInt)
    .option('--step <name>', 'name of this step, when one job forwards several commands')
    .option('--sample-interval-ms <ms>', 'how often /proc is sampled (default 250)', positiveInt)
    .option('--sensor <mode>', 'auto: trace every exec, connection, DNS answer and file write with strace when it works here, else sample /proc; strace | proc force one (default auto)', sensorMode)
    .option('--dns-port <port>', 'another port whose traffic is DNS (a local resolver not on 53); repeatable', (raw: string, previous: number[] = [53]) => [...previous, positiveInt(raw)])
    .option('--fail-on <severity>', 'stop the command (SIGTERM, then SIGKILL after 5 s) and exit non-zero when the collector reports a finding this severe or worse while it runs: low | medium | high | critical (default: off, never fail the job)', severityOf)
    .option('--ignore-loopback', 'leave connections to 127.0.0.0/8 and ::1 out of access.egress')
    .option('--spool-dir <dir>', 'where undeliverable data waits (default: $PIPEWATCH_SPOOL_DIR, else $RUNNER_TEMP or the temp dir + /pipewatch-spool)')
    .option('--spool-max-bytes <n>', 'spool size bound; oldest records are dropped past it (default: $PIPEWATCH_SPOOL_MAX_BYTES, 50 MiB)', positiveInt)
    .option('--batch-lines <n>', 'log lines per batch (default 500, at most 10000)', (raw) => Math.min(positiveInt(raw), 10_000))
    .option('--batch-interval-ms <ms>', 'a batch is sent at least this often (default 1000)', positiveInt)
    .option('--timeout-ms <ms>', 'per request (default 5000)', positiveInt)
    .option('--retries <n>', 'retries per request before spooling (default 4)', nonNegativeInt)
    .option('--flush-timeout-ms <ms>', 'longest wait for delivery after the command ended; the rest is spooled (default 10000)', positiveInt)
    .option('--no-status', 'no status line, even on a terminal')
    .option('--quiet', 'no notices on stderr (delivery problems stay silent)')
    .addHelpText(
      'after',
      [
        '',
        'Exits with the command\'s exit code (128 + n when signal n killed it); nothing the forwarder meets changes it.',
        'Environment: PIPEWATCH_COLLECTOR_URL, PIPEWATCH_TOKEN (sent as a bearer token, removed from the command\'s',
        'environment), PIPEWATCH_SPOOL_DIR, PIPEWATCH_SPOOL_MAX_BYTES. CI metadata is read from GitHub Actions,',
        'GitLab CI or Jenkins variables.',
        '',
        'Examples:',
        '  pipewatch forward -- npm test',
        '  make build 2>&1 | pipewatch forward --pipeline my-build --run "$BUILD_ID"',
      ].join('\n'),
    )
    .action(async (command: string[], options: ForwardOptions) => {
      process.exitCode = await forward(command, options);
    });
}

async function forward(command: string[], options: ForwardOptions): Promise<number> {
  const notice = options.quiet ? () => undefined : (message: string) => void process.stderr.write(`pipewatch forward: ${message}\n`);
  if (command.length === 0 && process.stdin.isTTY) {
    notice('nothing to forward: give a command after -- or pipe input in (see --help)');
    return 2;
  }
  let settings: ForwarderSettings | undefined;
  try {
    settings = resolveForwarderSettings(process.env, flagsOf(options));
  } catch (error) {
    // A misconfigured forwarder must not fail the job: the command still runs.
    notice(`${error instanceof Error ? error.message : String(error)}\nrunning the command without shipping`);
  }
  const metadata = detectCiMetadata(process.env, {
    ...(options.pipeline !== undefined ? { pipeline: options.pipeline } : {}),
    ...(options.run !== undefined ? { run: options.run } : {}),
    ...(options.attempt !== undefined ? { attempt: options.attempt } : {}),
  });
  const result = await runForward(
    { command, ...(settings ? { settings } : {}), ...(metadata ? { metadata } : {}) },
    {
      stdin: process.stdin,
      stdout: process.stdout,
      stderr: process.stderr,
      env: process.env,
      ...(options.status ? { status: process.stderr } : {}),
      notice,
      onSignal(pass) {
        const handlers = FORWARDED_SIGNALS.map((signal) => [signal, () => pass(signal)] as const);
        for (const [signal, handler] of handlers) process.on(signal, handler);
        return () => {
          for (const [signal, handler] of handlers) process.off(signal, handler);
        };
      },
    },
  );
  return result.exitCode;
}

function flagsOf(options: ForwardOptions): ForwarderFlags {
  const flags: ForwarderFlags = {
    collectorUrl: options.collector,
    step: options.step,
    sampleIntervalMs: options.sampleIntervalMs,
    ignoreLoopback: options.ignoreLoopback,
    sensor: options.sensor,
    dnsPorts: options.dnsPort,
    failOn: options.failOn,
    spoolDir: options.spoolDir,
    spoolMaxBytes: options.spoolMaxBytes,
    batchLines: options.batchLines,
    batchIntervalMs: options.batchIntervalMs,
    requestTimeoutMs: options.timeoutMs,
    retries: options.retries,
    flushTimeoutMs: options.flushTimeoutMs,
  };
  return Object.fromEntries(Object.entries(flags).filter(([, value]) => value !== undefined)) as ForwarderFlags;
}

function severityOf(raw: string): 'low' | 'medium' | 'high' | 'critical' {
  if (raw === 'low' || raw === 'medium' || raw === 'high' || raw === 'critical') return raw;
  throw new InvalidArgumentError('must be low, medium, high or critical');
}

function sensorMode(raw: string): SensorMode {
  if (raw === 'auto' || raw === 'strace' || raw === 'proc') return raw;
  throw new InvalidArgumentError('must be auto, strace or proc');
}

function positiveInt(raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new InvalidArgumentError('must be a positive integer');
  return value;
}

function nonNegativeInt(raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new InvalidArgumentError('must be a whole number ≥ 0');
  return value;
}
