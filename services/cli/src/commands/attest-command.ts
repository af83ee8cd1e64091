import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { RUN_SCHEMA, RunEvent } from '@pipewatch/shared';
import { createShipping, detectCiMetadata, resolveForwarderSettings, type CiMetadata, type ForwarderSettings } from '@pipewatch/forwarder';
// The forwarder's index does not re-export the artifacts module yet; once it does, import these from '@pipewatch/forwarder'.
import { collectArtifacts, type Artifact, type ArtifactError, type TrustConfig } from '@pipewatch/forwarder';

interface AttestOptions {
  publicKey: { name: string; path: string }[];
  certificateIdentity?: string;
  certificateIssuer?: string;
  offline?: boolean;
  tufCache?: string;
  maxFiles?: number;
  failUnverified?: boolean;
  collector?: string;
  pipeline?: string;
  run?: string;
  attempt?: number;
  step?: string;
  timeoutMs?: number;
  retries?: number;
  quiet?: boolean;
}

/** `pipewatch attest`: digests and verifies release artifacts' signatures (M1590), and reports them as the run's artifacts. */
export function registerAttest(program: Command): void {
  program
    .command('attest')
    .description('Digest release artifacts, verify the Sigstore bundle or detached signature beside each, print them as JSON lines and, with a collector, report them as the run\'s artifacts.')
    .argument('<paths...>', 'files or globs (* and **), relative to the working directory')
    .option('--public-key <name=path.pem>', 'a trusted public key for keyed bundles and .sig files; repeatable (name defaults to the file name)', collectKey, [])
    .option('--certificate-identity <san>', 'keyless bundles verify only for this certificate identity (e.g. the workflow URI)')
    .option('--certificate-issuer <url>', 'keyless bundles verify only for this OIDC issuer')
    .option('--offline', 'never fetch the Sigstore trust root: keyless bundles are left unchecked')
    .option('--tuf-cache <dir>', 'where the Sigstore trust root fetched over TUF is cached')
    .option('--max-files <n>', 'at most this many artifacts (default 1000)', positiveInt)
    .option('--fail-unverified', 'exit 1 when a signed artifact\'s signature did not verify (or could not be checked)')
    .option('--collector <url>', 'collector base URL (default: $PIPEWATCH_COLLECTOR_URL); without one nothing is sent')
    .option('--pipeline <id>', 'pipeline id, when no CI is detected or to override it')
    .option('--run <id>', 'run id, when no CI is detected or to override it')
    .option('--attempt <n>', 'run attempt', nonNegativeInt)
    .option('--step <name>', 'step name of this event (default attest)')
    .option('--timeout-ms <ms>', 'per request (default 5000)', positiveInt)
    .option('--retries <n>', 'retries per request before spooling (default 4)', nonNegativeInt)
    .option('--quiet', 'no notices on stderr')
    .addHelpText(
      'after',
      [
        '',
        'Beside each file it looks for <file>.sigstore.json, <file>.sigstore or <file>.bundle (a Sigstore bundle)',
        'and <file>.sig (cosign sign-blob --key, or openssl dgst -sha256 -sign; base64 or raw). Keyless bundles are',
        'checked against the Sigstore public-good trust root, fetched over TUF (network on first use, then cached).',
        'Exit 2 on bad usage; otherwise 0 unless --fail-unverified is given and a signature did not verify.',
        '',
        'Examples:',
        '  pipewatch attest \'dist/*.tgz\' --public-key release=keys/release.pub.pem --fail-unverified',
        '  pipewatch attest \'dist/**\' --certificate-identity https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.2.0',
      ].join('\n'),
    )
    .action(async (patterns: string[], options: AttestOptions) => {
      process.exitCode = await attest(patterns, options);
    });
}

async function attest(patterns: string[], options: AttestOptions): Promise<number> {
  const notice = options.quiet ? () => undefined : (message: string) => void process.stderr.write(`pipewatch attest: ${message}\n`);
  let trust: TrustConfig;
  try {
    trust = await trustOf(options);
  } catch (error) {
    notice((error as Error).message);
    return 2;
  }
  const delivery = deliveryOf(options, notice);
  if (delivery === 'invalid') return 2;

  const { artifacts, errors } = await collectArtifacts(patterns, { cwd: process.cwd(), trust, ...(options.maxFiles ? { maxFiles: options.maxFiles } : {}) });
  for (const artifact of artifacts) process.stdout.write(`${JSON.stringify(artifact)}\n`);
  for (const error of errors) notice(`${describeError(error)}`);

  if (delivery) await send(artifacts, delivery, notice);
  const unverified = artifacts.filter((artifact) => artifact.signed === true && artifact.signature_verified !== true);
  if (unverified.length > 0) notice(`${unverified.length} signed artifact(s) did not verify: ${unverified.map((artifact) => artifact.name).join(', ')}`);
  return options.failUnverified && unverified.length > 0 ? 1 : 0;
}

async function trustOf(options: AttestOptions): Promise<TrustConfig> {
  const publicKeys = await Promise.all(options.publicKey.map(async ({ name, path }) => {
    try {
      return { name, pem: await readFile(path, 'utf8') };
    } catch (error) {
      throw new Error(`--public-key ${name}: ${(error as Error).message}`);
    }
  }));
  const sigstore = options.offline ? false : {
    ...(options.tufCache ? { tufCachePath: options.tufCache } : {}),
    ...(options.certificateIdentity ? { certificateIdentity: options.certificateIdentity } : {}),
    ...(options.certificateIssuer ? { certificateIssuer: options.certificateIssuer } : {}),
  };
  return { publicKeys, sigstore };
}

/** Where to send the event; undefined: no collector given; 'invalid': one is, but it cannot be used. */
function deliveryOf(options: AttestOptions, notice: (message: string) => void): { settings: ForwarderSettings; metadata: CiMetadata } | undefined | 'invalid' {
  if (options.collector === undefined && !process.env.PIPEWATCH_COLLECTOR_URL) return undefined;
  let settings: ForwarderSettings;
  try {
    settings = resolveForwarderSettings(process.env, {
      ...(options.collector !== undefined ? { collectorUrl: options.collector } : {}),
      step: options.step ?? 'attest',
      ...(options.timeoutMs !== undefined ? { requestTimeoutMs: options.timeoutMs } : {}),
      ...(options.retries !== undefined ? { retries: options.retries } : {}),
    });
  } catch (error) {
    notice((error as Error).message);
    return 'invalid';
  }
  const metadata = detectCiMetadata(process.env, {
    ...(options.pipeline !== undefined ? { pipeline: options.pipeline } : {}),
    ...(options.run !== undefined ? { run: options.run } : {}),
    ...(options.attempt !== undefined ? { attempt: options.attempt } : {}),
  });
  if (!metadata) {
    notice('no CI detected: pass --pipeline and --run to send the artifacts');
    return 'invalid';
  }
  return { settings, metadata };
}

/** Through the forwarder's delivery: retried, and spooled for the next forward run when the collector is down. */
async function send(artifacts: Artifact[], target: { settings: ForwarderSettings; metadata: CiMetadata }, notice: (message: string) => void): Promise<void> {
  const { settings, metadata } = target;
  const shipping = createShipping(settings, metadata);
  const event = {
    schema: RUN_SCHEMA,
    event_id: shipping.eventId,
    source: 'agent',
    occurred_at: new Date().toISOString(),
    pipeline: metadata.pipeline,
    run: metadata.run,
    ...(metadata.runner && Object.keys(metadata.runner).length > 0 ? { runner: metadata.runner } : {}),
    artifacts,
    attributes: { ...metadata.attributes, step: settings.step ?? 'attest', command: 'pipewatch attest' },
  };
  const parsed = RunEvent.safeParse(event);
  if (!parsed.success) {
    notice(`not sent, the event does not fit the contract: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
    await shipping.finish();
    return;
  }
  shipping.sendEvent(parsed.data);
  await shipping.finish();
  // Earlier runs' spooled records travel first, so the counts are read as: did it end up, and was anything refused.
  const stats = shipping.stats();
  if (stats.state !== 'up') notice(`collector unreachable (${stats.lastError ?? 'no answer'}); the event waits in ${shipping.spoolPath} for the next forward run`);
  else if (stats.dropped > 0) notice(`the collector refused a record: ${stats.lastError ?? 'unknown reason'}`);
  else notice(`sent ${artifacts.length} artifact(s) as event ${shipping.eventId}`);
}

function describeError(error: ArtifactError): string {
  return 'pattern' in error ? `${error.pattern}: ${error.error}` : `${error.path}: ${error.error}`;
}

function collectKey(raw: string, previous: { name: string; path: string }[]): { name: string; path: string }[] {
  const at = raw.indexOf('=');
  const path = at >= 0 ? raw.slice(at + 1) : raw;
  const name = at >= 0 ? raw.slice(0, at) : basename(path, extname(path));
  if (!name || !path) throw new InvalidArgumentError('must be name=path.pem or path.pem');
  return [...previous, { name, path }];
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
