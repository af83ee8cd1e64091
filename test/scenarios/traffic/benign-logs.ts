import type { RunEvent } from '@pipewatch/shared';
import { fakeDigest, type Rng } from '../random/prng.js';
import type { EcosystemId } from './catalog.js';
import type { JobSpec, RepoSpec } from './fleet.js';

const MESSAGES = ['Merge pull request #{n} from {user}/fix-flaky-test', 'chore(deps): update dependency {pkg} to v{v}', 'fix: handle empty response in client', 'feat: add retry to uploader', 'docs: update README', 'refactor: split config loader'];

const TEST_LINES: Record<EcosystemId, (rng: Rng, i: number) => string> = {
  node: (rng, i) => `PASS src/${rng.pick(['components', 'api', 'utils', 'hooks'])}/${rng.pick(['Button', 'client', 'format', 'useAuth', 'router'])}${i}.test.ts (${rng.float(0.2, 9).toFixed(3)} s)`,
  python: (rng, i) => `tests/test_${rng.pick(['api', 'models', 'cli', 'io'])}${i}.py ${'.'.repeat(rng.int(5, 60))} [${String(rng.int(1, 100)).padStart(3)}%]`,
  java: (rng, i) => `[INFO] Tests run: ${rng.int(1, 80)}, Failures: 0, Errors: 0, Skipped: ${rng.int(0, 3)}, Time elapsed: ${rng.float(0.01, 12).toFixed(3)} s - in com.example.${rng.pick(['service', 'repo', 'web'])}.Test${i}`,
  go: (rng, i) => `ok  \tgithub.com/example/app/pkg/${rng.pick(['server', 'store', 'auth', 'queue'])}${i}\t${rng.float(0.01, 4).toFixed(3)}s`,
  rust: (rng, i) => `test ${rng.pick(['parser', 'codec', 'client'])}::tests::case_${i} ... ok`,
  dotnet: (rng, i) => `  Passed ${rng.pick(['Api', 'Core', 'Data'])}.Tests.Case${i} [${rng.int(1, 900)} ms]`,
};

const INSTALL_LINES: Record<EcosystemId, (rng: Rng) => string[]> = {
  node: (rng) => [`added ${rng.int(300, 2500)} packages, and audited ${rng.int(300, 2500)} packages in ${rng.int(5, 90)}s`, `${rng.int(50, 300)} packages are looking for funding`, 'found 0 vulnerabilities', 'npm warn deprecated inflight@1.0.6: This module is not supported, and leaks memory. Do not use it.'],
  python: (rng) => [`Collecting requests>=2.31 (from app==0.1.0)`, `  Downloading requests-2.32.3-py3-none-any.whl (64 kB)`, `Successfully installed ${rng.int(20, 140)} packages`],
  java: (rng) => [`[INFO] Downloading from central: https://repo.maven.apache.org/maven2/org/apache/maven/plugins/maven-surefire-plugin/3.2.5/maven-surefire-plugin-3.2.5.pom`, `[INFO] BUILD SUCCESS`, `[INFO] Total time:  ${rng.int(10, 300)}.${rng.int(100, 999)} s`],
  go: (rng) => [`go: downloading golang.org/x/net v0.${rng.int(20, 30)}.0`, `go: downloading github.com/stretchr/testify v1.9.0`],
  rust: (rng) => [`    Updating crates.io index`, `  Downloaded ${rng.int(40, 300)} crates (${rng.float(5, 60).toFixed(1)} MB) in ${rng.float(1, 9).toFixed(2)}s`, `   Compiling serde v1.0.${rng.int(190, 215)}`],
  dotnet: (rng) => [`  Determining projects to restore...`, `  Restored C:\\src\\App\\App.csproj (in ${rng.int(200, 9000)} ms).`],
};

/**
 * A plausible GitHub Actions log for a run: runner banner, checkout, setup and
 * cache lines, installs, the job's own output. Hashes, digests and URLs appear
 * the way real logs print them, so log rules meet realistic noise.
 */
export function benignLogLines(rng: Rng, repo: RepoSpec, job: JobSpec, event: RunEvent): string[] {
  const eco = repo.ecosystem.id;
  const commit = event.run.commit ?? fakeDigest(event.run.id);
  const cacheKey = `${eco}-cache-${repo.runner.os}-x64-${fakeDigest(repo.slug, 'lock', event.dependencies?.[0]?.version ?? '')}`;
  const missed = (event.resources?.net_rx_bytes ?? 0) > job.rxBytes * 1.4;
  const lines = [
    "Current runner version: '2.321.0'",
    repo.runner.os === 'Windows' ? 'Operating System: Microsoft Windows Server 2019 Datacenter' : 'Runner Image: ubuntu-24.04 Version: 20250105.1.0',
    `GITHUB_TOKEN Permissions: ${Object.entries(event.access?.permissions ?? {}).map(([scope, level]) => `${scope}: ${level}`).join(', ')}`,
    ...(event.steps ?? []).filter((step) => step.action).map((step) => `Download action repository '${step.action}' (SHA:${step.action_sha ?? ''})`),
    '##[group]Run actions/checkout@v4',
    `Syncing repository: ${repo.slug}`,
    `HEAD is now at ${commit.slice(0, 7)} ${rng.pick(MESSAGES).replace('{n}', String(rng.int(100, 9999))).replace('{user}', event.run.actor ?? 'dev').replace('{pkg}', event.dependencies?.[0]?.name ?? 'lib').replace('{v}', event.dependencies?.[0]?.version ?? '1')}`,
    '##[endgroup]',
    missed ? `Cache not found for input keys: ${cacheKey}` : `Cache restored from key: ${cacheKey}`,
  ];
  for (const download of job.downloads) if (download.logLine) lines.push(`##[group]Run ${download.logLine}`, '##[endgroup]');
  if (job.installer) lines.push(`##[group]Run ${job.installer.line}`, `info: downloading installer`, '##[endgroup]');
  lines.push(`##[group]Run ${repo.ecosystem.install}`, ...INSTALL_LINES[eco](rng), '##[endgroup]');
  lines.push(...jobLines(rng, repo, job, event));
  if (job.codecov) lines.push(`[${new Date(event.occurred_at).toISOString()}] ['info'] Uploading reports to https://codecov.io/upload/v4?package=github-action-4.6.0-uploader-0.8.0&token=***`, `View reports at https://app.codecov.io/github/${repo.slug}/commit/${commit}`);
  if (missed && event.run.status === 'success') lines.push(`Cache saved with key: ${cacheKey}`);
  lines.push('Post job cleanup.', `Cleaning up orphan processes`);
  return lines;
}

function jobLines(rng: Rng, repo: RepoSpec, job: JobSpec, event: RunEvent): string[] {
  const eco = repo.ecosystem.id;
  const out: string[] = [];
  if (job.kind === 'test' || job.kind === 'e2e' || job.kind === 'nightly') {
    const shown = rng.int(5, 25);
    for (let i = 0; i < shown; i++) out.push(TEST_LINES[eco](rng, i));
    out.push(`Tests: ${event.metrics?.['tests'] ?? 0} total, ${event.run.status === 'success' ? 'all passed' : 'some failed'}`);
  }
  if (job.kind === 'lint') out.push(`Run ${repo.ecosystem.lintTool}`, `✔ ${rng.int(100, 3000)} files checked, 0 problems`);
  if (job.docker) {
    const image = fakeDigest(event.run.id, 'image');
    out.push(`#${rng.int(5, 20)} writing image sha256:${image} done`, `#${rng.int(20, 30)} pushing manifest for docker.io/${repo.slug}:${(event.run.commit ?? '').slice(0, 7)}@sha256:${fakeDigest(image)} 0.9s done`);
  }
  for (const artifact of event.artifacts ?? []) {
    out.push(`Artifact ${artifact.name}${artifact.version ? `@${artifact.version}` : ''} digest ${artifact.digest}`);
    if (artifact.signed) out.push(`tlog entry created with index: ${rng.int(100_000_000, 200_000_000)}`, `Signing artifact ${artifact.name} with a keyless certificate from https://fulcio.sigstore.dev`);
  }
  if (job.kind === 'release') out.push(`Uploading distributions to https://${repo.ecosystem.publishHost}/`, `View at: https://github.com/${repo.slug}/releases`);
  return out;
}
