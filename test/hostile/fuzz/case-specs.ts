import fc from 'fast-check';
import { clone, render, raw, type JsonNode } from './json-tree.js';
import { PROTOTYPE_KEYS, RAW_NUMBERS, hostileKey, pollutionPayload, trickString } from './hostile-values.js';
import { applyMutation, mutationArb } from './mutations.js';
import { HAS_GITLAB_SAMPLES, ID_MARKER, validGithubDelivery, validGitlabHook, validJenkinsNotification, validLogBatch, validRunEvent } from './seed-payloads.js';

const ALL_ROUTES = ['events', 'logs', 'logs-text', 'github', 'gitlab', 'jenkins'] as const;
export type RouteName = (typeof ALL_ROUTES)[number];
/** Every route, less gitlab in a clone without the recorded GitLab hooks beside it. */
export const ROUTES: readonly RouteName[] = HAS_GITLAB_SAMPLES ? ALL_ROUTES : ALL_ROUTES.filter((route) => route !== 'gitlab');

/** How big hostile values may get; the bench allows more than CI. */
export interface FuzzLimits {
  maxBodyBytes: number;
  maxLogLines: number;
  maxHugeString: number;
  maxHugeArray: number;
  maxDepth: number;
}

/** One record of a body: its text and what the generator meant by it. */
export interface RecordSpec {
  intent: string;
  text: string;
}

/** A byte-level change made after the ids are filled in. */
export type Corruption =
  | { kind: 'invalid_utf8'; at: number; bytes: number[] }
  | { kind: 'truncate'; at: number }
  | { kind: 'nul'; at: number };

/** How a request authenticates itself. */
export type Credential = 'valid' | 'missing' | 'wrong' | 'garbage' | 'basic';

/** Everything needed to build one request; ids are filled in by the runner. */
export interface CaseSpec {
  route: RouteName;
  contentType: string | undefined;
  records: RecordSpec[];
  /** json bodies only: several records sent as a JSON array. */
  asArray: boolean;
  eol: '\n' | '\r\n';
  blankLines: boolean;
  bom: boolean;
  corruption: Corruption | undefined;
  credential: Credential;
  /** logs-text: the query string, with markers. */
  query?: string;
  queryIntent?: 'valid' | 'invalid' | 'odd';
  /** github: X-GitHub-Event; its signature; delivery id. */
  githubEvent?: string | undefined;
  signature?: 'valid' | 'forged' | 'missing';
}

const INVALID_UTF8 = [[0xff], [0xfe, 0xff], [0xc0, 0x80], [0x80], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]];

const corruption: fc.Arbitrary<Corruption | undefined> = fc.oneof(
  { weight: 12, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('invalid_utf8' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), bytes: fc.constantFrom(...INVALID_UTF8) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('nul' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }) },
);

/** For signed webhooks: invalid UTF-8 can only ever fail the signature, so it is kept rarer there. */
const rareCorruption: fc.Arbitrary<Corruption | undefined> = fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: corruption });

/** Random JSON with hostile keys and values: what a confused or malicious client sends. */
const hostileTree: fc.Arbitrary<JsonNode> = fc.letrec<{ node: JsonNode; leaf: JsonNode; array: JsonNode; object: JsonNode }>((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('leaf'), tie('array'), tie('object')),
  leaf: fc.oneof(
    fc.constantFrom(...RAW_NUMBERS.filter((text) => !Number.isNaN(Number(text)) && /^-?\d/.test(text))).map(raw),
    trickString.map((text) => raw(JSON.stringify(text))),
    fc.constantFrom('true', 'false', 'null', '""', '0').map(raw),
  ),
  array: fc.array(tie('node'), { maxLength: 4 }).map((items): JsonNode => ({ kind: 'array', items })),
  object: fc
    .array(fc.oneof(fc.tuple(hostileKey, tie('node')), fc.constantFrom(...PROTOTYPE_KEYS).map((key): [string, JsonNode] => [key, raw(pollutionPayload(key))])), { maxLength: 5 })
    .map((entries): JsonNode => ({ kind: 'object', entries })),
}))
  .node;

/** A record built from a valid seed: as is, mutated once, replaced by random JSON, or not JSON at all. */
function recordArb(seed: fc.Arbitrary<JsonNode>, limits: FuzzLimits): fc.Arbitrary<RecordSpec> {
  const mutation = mutationArb(limits);
  return fc.oneof(
    { weight: 3, arbitrary: seed.map((tree) => ({ intent: 'valid', text: render(tree) })) },
    {
      weight: 6,
      arbitrary: fc.tuple(seed, mutation).map(([tree, change]) => ({ intent: change.kind, text: render(applyMutation(tree, change).tree) })),
    },
    { weight: 1, arbitrary: fc.tuple(seed, mutation, mutation).map(([tree, a, b]) => ({ intent: `${a.kind}+${b.kind}`, text: render(applyMutation(applyMutation(tree, a).tree, b).tree) })) },
    { weight: 1, arbitrary: hostileTree.map((tree) => ({ intent: 'random_json', text: render(tree) })) },
    { weight: 1, arbitrary: fc.tuple(seed, fc.double({ min: 0, max: 1, noNaN: true })).map(([tree, at]) => ({ intent: 'truncated', text: cut(render(tree), at) })) },
    { weight: 1, arbitrary: fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.constantFrom(...RAW_NUMBERS, 'nul', '{', '"', '[1,', '{"a":}', '\u0000', 'true false')).map((text) => ({ intent: 'garbage', text })) },
  );
}

/** encodeURIComponent throws on lone surrogates; a client would send them as U+FFFD. */
const percentEncode = (text: string): string => encodeURIComponent(Buffer.from(text, 'utf8').toString('utf8'));

const cut = (text: string, at: number): string => text.slice(0, Math.floor(text.length * at));

const JSON_TYPES = ['application/json', 'application/json; charset=utf-8', 'Application/JSON'];
const NDJSON_TYPES = ['application/x-ndjson', 'application/x-ndjson; charset=utf-8'];
/** Never accepted by any ingest route. */
export const REFUSED_TYPES = ['application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'image/png', 'application/jsonx'];

const credential: fc.Arbitrary<Credential> = fc.oneof(
  { weight: 16, arbitrary: fc.constant('valid' as const) },
  { weight: 1, arbitrary: fc.constantFrom('missing' as const, 'wrong' as const, 'garbage' as const, 'basic' as const) },
);

function bodyCase(route: 'events' | 'logs', limits: FuzzLimits): fc.Arbitrary<CaseSpec> {
  const seed = route === 'events' ? validRunEvent : validLogBatch;
  return fc.record({
    route: fc.constant(route),
    contentType: fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...JSON_TYPES) },
      { weight: 8, arbitrary: fc.constantFrom(...NDJSON_TYPES) },
      { weight: 1, arbitrary: fc.constantFrom(...REFUSED_TYPES, undefined) },
    ),
    records: fc.array(recordArb(seed, limits), { minLength: 1, maxLength: 6 }),
    asArray: fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    eol: fc.constantFrom('\n' as const, '\r\n' as const),
    blankLines: fc.boolean(),
    bom: fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    corruption,
    credential,
  });
}

const TEXT_TYPES = ['text/plain', 'text/plain; charset=utf-8'];

/** A text/plain upload: valid query or one with a known defect, lines full of tricks. */
function textLogCase(limits: FuzzLimits): fc.Arbitrary<CaseSpec> {
  const line = fc.oneof(
    { weight: 6, arbitrary: trickString },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 120 }) },
    { weight: 1, arbitrary: fc.integer({ min: 65_000, max: Math.min(70_000, limits.maxHugeString) }).map((length) => 'L'.repeat(length)) },
  );
  const value = (max: number) => fc.oneof(trickString.map((text) => `v${text}`.slice(0, max)), fc.constant('plain'));
  const validQuery = fc
    .record({ step: fc.option(value(500), { nil: undefined }), batch: fc.option(value(200), { nil: undefined }), source: fc.option(fc.constantFrom('generic', 'agent', 'jenkins'), { nil: undefined }) })
    .map(({ step, batch, source }) => {
      const params = new URLSearchParams({ pipeline: `p-${ID_MARKER}`, run: `r-${ID_MARKER}` });
      if (step !== undefined) params.set('step', step);
      if (batch !== undefined) params.set('batch', `${ID_MARKER}${batch}`);
      if (source !== undefined) params.set('source', source);
      return { query: params.toString(), queryIntent: 'valid' as const };
    });
  const invalidQuery = fc
    .constantFrom(
      'run=1',
      'pipeline=a',
      'pipeline=&run=1',
      'pipeline=a&run=1&source=nope',
      'pipeline=a&pipeline=b&run=1',
      'pipeline=a&run=1&__proto__=x',
      'pipeline=a&run=1&constructor=x',
      'pipeline[a]=x&run=1',
      'pipeline=a&run=1&unknown=1',
      `pipeline=${'p'.repeat(301)}&run=1`,
      `pipeline=a&run=${'r'.repeat(201)}`,
      'pipeline=a&run=1&step=',
    )
    .map((query) => ({ query, queryIntent: 'invalid' as const }));
  const oddQuery = fc
    .array(fc.tuple(hostileKey, trickString), { maxLength: 5 })
    .map((pairs) => ({ query: `pipeline=p-${ID_MARKER}&run=r&${pairs.map(([key, text]) => `${percentEncode(key)}=${percentEncode(text)}`).join('&')}`, queryIntent: 'odd' as const }));
  return fc
    .record({
      query: fc.oneof({ weight: 6, arbitrary: validQuery }, { weight: 2, arbitrary: invalidQuery }, { weight: 1, arbitrary: oddQuery }),
      lines: fc.array(line, { minLength: 0, maxLength: 12 }),
      contentType: fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...TEXT_TYPES) }, { weight: 1, arbitrary: fc.constantFrom(...REFUSED_TYPES) }),
      eol: fc.constantFrom('\n' as const, '\r\n' as const),
      bom: fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      corruption,
      credential,
    })
    .map(({ query, lines, contentType, eol, bom, corruption: change, credential: auth }) => ({
      route: 'logs-text' as const,
      contentType,
      records: lines.map((text) => ({ intent: 'line', text })),
      asArray: false,
      eol,
      blankLines: false,
      bom,
      corruption: change,
      credential: auth,
      ...query,
    }));
}

/** Webhook bodies: a real delivery, mutated, random JSON or garbage. */
function webhookCase(route: 'github' | 'gitlab' | 'jenkins', limits: FuzzLimits): fc.Arbitrary<CaseSpec> {
  const delivery =
    route === 'github'
      ? validGithubDelivery
      : (route === 'gitlab' ? validGitlabHook : validJenkinsNotification).map((tree) => ({ event: undefined, tree }));
  const event = fc.oneof(
    { weight: 12, arbitrary: fc.constant('delivery') },
    { weight: 1, arbitrary: fc.constantFrom('ping', 'push', 'workflow_dispatch', '', ...PROTOTYPE_KEYS, 'toString', '__defineGetter__', 'hasOwnProperty', 'valueOf') },
  );
  return fc
    .record({
      delivery,
      record: fc.oneof(
        { weight: 3, arbitrary: fc.constant(undefined) },
        { weight: 6, arbitrary: mutationArb(limits) },
        { weight: 1, arbitrary: fc.constant('random' as const) },
        { weight: 1, arbitrary: fc.constant('garbage' as const) },
      ),
      random: hostileTree,
      garbage: fc.string({ unit: 'binary', maxLength: 40 }),
      event,
      contentType: fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...JSON_TYPES) }, { weight: 1, arbitrary: fc.constantFrom('application/x-www-form-urlencoded', 'text/plain', 'application/x-ndjson') }),
      signature: fc.oneof({ weight: 16, arbitrary: fc.constant('valid' as const) }, { weight: 1, arbitrary: fc.constantFrom('forged' as const, 'missing' as const) }),
      corruption: rareCorruption,
      credential,
    })
    .map(({ delivery: seed, record, random, garbage, event: chosen, contentType, signature, corruption: change, credential: auth }) => {
      let spec: RecordSpec;
      if (record === undefined) spec = { intent: 'valid', text: render(seed.tree) };
      else if (record === 'random') spec = { intent: 'random_json', text: render(random) };
      else if (record === 'garbage') spec = { intent: 'garbage', text: garbage };
      else spec = { intent: record.kind, text: render(applyMutation(clone(seed.tree), record).tree) };
      return {
        route,
        contentType,
        records: [spec],
        asArray: false,
        eol: '\n' as const,
        blankLines: false,
        bom: false,
        corruption: change,
        credential: auth,
        ...(route === 'github' ? { githubEvent: chosen === 'delivery' ? seed.event : chosen, signature } : {}),
      };
    });
}

export function caseArb(route: RouteName, limits: FuzzLimits): fc.Arbitrary<CaseSpec> {
  switch (route) {
    case 'events':
    case 'logs':
      return bodyCase(route, limits);
    case 'logs-text':
      return textLogCase(limits);
    default:
      return webhookCase(route, limits);
  }
}
