import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { toTree, type JsonNode } from './json-tree.js';
import { OBJECT_MEMBER_KEYS, PROTOTYPE_KEYS, trickString } from './hostile-values.js';

/*
 * Well-formed payloads for every ingest route, built from the contract fixtures
 * and real CI deliveries, with hostile-but-valid text in their free-form fields.
 * Ids are placeholders the runner makes unique per request: "@@ID@@" inside a
 * string, @@NUM@@ as a bare number.
 */

const require = createRequire(import.meta.url);
const FIXTURES = new URL('../../fixtures/contract/', import.meta.url);
const GITLAB = new URL('../../../../shared/data/webhooks/gitlab/', import.meta.url);

const readJson = (url: URL): Record<string, any> => JSON.parse(readFileSync(url, 'utf8')) as Record<string, any>;

const FULL_EVENT = readJson(new URL('run-event.full.json', FIXTURES));
const LOG_BATCH = readJson(new URL('log-batch.json', FIXTURES));
/** The recorded GitLab hooks live beside the repository; without them the gitlab route is not fuzzed. */
export const HAS_GITLAB_SAMPLES = existsSync(GITLAB);
const GITLAB_JOB = HAS_GITLAB_SAMPLES ? readJson(new URL('go-gitlab_job.json', GITLAB)) : {};
const GITLAB_PIPELINE = HAS_GITLAB_SAMPLES ? readJson(new URL('go-gitlab_pipeline.json', GITLAB)) : {};

function githubCompleted(event: 'workflow_job' | 'workflow_run'): Record<string, any>[] {
  const definitions = require('@octokit/webhooks-examples') as { name: string; examples: Record<string, any>[] }[];
  return definitions.find((definition) => definition.name === event)!.examples.filter((example) => example.action === 'completed');
}
const GITHUB_JOBS = githubCompleted('workflow_job');
const GITHUB_RUNS = githubCompleted('workflow_run');

/** Numbers in a tree that the runner replaces with unique ones. */
const UNIQUE_NUMBER = '@@NUM@@';
export const ID_MARKER = '@@ID@@';
export { UNIQUE_NUMBER };

const OPTIONAL_EVENT_KEYS = ['runner', 'resources', 'metrics', 'access', 'steps', 'artifacts', 'dependencies', 'attributes'] as const;

/** Record keys that are allowed but odd: Object.prototype member names other than the refused three. */
const oddKey = fc.oneof(fc.constantFrom(...OBJECT_MEMBER_KEYS, 'proto', '__proto', 'Constructor'), trickString.map((text) => `k${text}`.slice(0, 200)));

/** Usually the fixture's own value; sometimes an odd one, Object.prototype member names included. */
const mostlyUnset = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });

/** A trick string kept inside a field's limits, non-empty. */
const trickField = (max: number) => trickString.map((text) => `x${text}`.slice(0, max));

export const validRunEvent: fc.Arbitrary<JsonNode> = fc
  .record({
    keys: fc.subarray([...OPTIONAL_EVENT_KEYS]),
    idSuffix: fc.oneof(fc.constant(''), trickString.map((text) => text.slice(0, 100))),
    pipeline: fc.oneof(fc.constant(FULL_EVENT.pipeline.id as string), trickField(300)),
    runUrl: fc.oneof(fc.constant(undefined), trickField(2000)),
    attributes: fc.dictionary(oddKey, fc.oneof(trickField(2000), fc.integer(), fc.boolean(), fc.double({ noNaN: true, noDefaultInfinity: true })), { maxKeys: 5 }),
    metrics: fc.dictionary(oddKey.filter((key) => key.length > 0), fc.double({ noNaN: true, noDefaultInfinity: true }), { maxKeys: 4 }),
    stepName: trickField(500),
  })
  .map(({ keys, idSuffix, pipeline, runUrl, attributes, metrics, stepName }) => {
    const event: Record<string, any> = { ...structuredClone(FULL_EVENT), event_id: `${ID_MARKER}${idSuffix}` };
    for (const key of OPTIONAL_EVENT_KEYS) if (!keys.includes(key)) delete event[key];
    event.pipeline = { ...event.pipeline, id: pipeline };
    if (runUrl !== undefined) event.run = { ...event.run, url: runUrl };
    if (event.attributes) event.attributes = { ...event.attributes, ...attributes };
    if (event.metrics) event.metrics = { ...event.metrics, ...metrics };
    if (event.steps) event.steps = [...event.steps, { name: stepName }];
    return toTree(event);
  });

export const validLogBatch: fc.Arbitrary<JsonNode> = fc
  .record({
    lines: fc.array(fc.oneof(trickString, fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 80 })), { minLength: 1, maxLength: 20 }),
    step: fc.option(trickField(500), { nil: undefined }),
    pipeline: fc.oneof(fc.constant(LOG_BATCH.pipeline.id as string), trickField(300)),
  })
  .map(({ lines, step, pipeline }) => {
    const batch: Record<string, any> = {
      ...structuredClone(LOG_BATCH),
      event_id: ID_MARKER,
      pipeline: { id: pipeline },
      lines: lines.map((text, index) => (index % 2 === 0 ? { text } : { text, stream: 'stderr', ts: '2024-05-14T09:38:31Z' })),
    };
    if (step === undefined) delete batch.step;
    else batch.step = step;
    return toTree(batch);
  });

/** A completed GitHub workflow_job or workflow_run delivery with unique ids and hostile names. */
export const validGithubDelivery: fc.Arbitrary<{ event: 'workflow_job' | 'workflow_run'; tree: JsonNode }> = fc
  .record({
    job: fc.boolean(),
    example: fc.nat(),
    name: fc.option(trickField(200), { nil: undefined }),
    stepName: fc.option(trickField(200), { nil: undefined }),
    conclusion: mostlyUnset(fc.constantFrom('success', 'failure', 'cancelled', 'neutral', ...PROTOTYPE_KEYS, ...OBJECT_MEMBER_KEYS)),
  })
  .map(({ job, example, name, stepName, conclusion }) => {
    const pool = job ? GITHUB_JOBS : GITHUB_RUNS;
    const payload = structuredClone(pool[example % pool.length]!);
    const inner = job ? payload.workflow_job : payload.workflow_run;
    inner.id = UNIQUE_NUMBER;
    if (name !== undefined) inner.name = name;
    if (conclusion !== undefined) inner.conclusion = conclusion;
    if (job && stepName !== undefined && Array.isArray(inner.steps)) inner.steps = [...inner.steps, { name: stepName, status: 'completed', conclusion: 'success', number: 99 }];
    const tree = toTree(payload);
    return { event: job ? ('workflow_job' as const) : ('workflow_run' as const), tree: unquoteMarker(tree) };
  });

/** A finished GitLab job or pipeline hook with unique ids and hostile names. */
export const validGitlabHook: fc.Arbitrary<JsonNode> = fc
  .record({
    job: fc.boolean(),
    name: fc.option(trickField(200), { nil: undefined }),
    status: mostlyUnset(fc.constantFrom('success', 'failed', 'running', ...PROTOTYPE_KEYS, ...OBJECT_MEMBER_KEYS)),
  })
  .map(({ job, name, status }) => {
    const payload = structuredClone(job ? GITLAB_JOB : GITLAB_PIPELINE);
    if (job) {
      payload.build_id = UNIQUE_NUMBER;
      if (name !== undefined) payload.build_name = name;
      if (status !== undefined) payload.build_status = status;
    } else {
      payload.object_attributes = { ...payload.object_attributes, id: UNIQUE_NUMBER, ...(status !== undefined ? { status } : {}) };
      if (name !== undefined) payload.project = { ...payload.project, path_with_namespace: name };
    }
    return unquoteMarker(toTree(payload));
  });

/** A Jenkins Notification plugin message for a finished build, with a unique build number. */
export const validJenkinsNotification: fc.Arbitrary<JsonNode> = fc
  .record({
    name: trickField(200),
    phase: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('COMPLETED', 'FINALIZED') }, { weight: 1, arbitrary: fc.constantFrom('STARTED', ...PROTOTYPE_KEYS) }),
    status: mostlyUnset(fc.constantFrom('SUCCESS', 'FAILURE', 'ABORTED', 'UNSTABLE', ...PROTOTYPE_KEYS, ...OBJECT_MEMBER_KEYS)),
    url: fc.option(trickField(300), { nil: undefined }),
  })
  .map(({ name, phase, status, url }) =>
    unquoteMarker(
      toTree({
        name,
        display_name: name,
        url: url ?? `job/${name}/`,
        build: {
          full_url: `https://ci.example.com/job/${name}/1/`,
          number: UNIQUE_NUMBER,
          queue_id: 7,
          timestamp: Date.UTC(2025, 2, 1, 12),
          duration: 183_000,
          phase,
          ...(status === undefined ? {} : { status }),
          scm: { url: 'https://deploy:s3cr3tPassw0rd@git.example.com/team/app.git', branch: 'origin/main', commit: 'abc123' },
          parameters: { DEPLOY_TOKEN: 'ghp_R8x2Kq9ZpL4mW7vB3nT6yH1cF5dJ0sAeGuQi' },
          test_summary: { total: 10, failed: 0, skipped: 1, passed: 9 },
        },
      }),
    ),
  );

/** toTree quotes the number marker; it must be a bare number in the text. */
function unquoteMarker(tree: JsonNode): JsonNode {
  if (tree.kind === 'raw') return tree.text === JSON.stringify(UNIQUE_NUMBER) ? { kind: 'raw', text: UNIQUE_NUMBER } : tree;
  if (tree.kind === 'array') return { kind: 'array', items: tree.items.map(unquoteMarker) };
  return { kind: 'object', entries: tree.entries.map(([key, item]) => [key, unquoteMarker(item)]) };
}
