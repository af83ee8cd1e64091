import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { startCollectorUnderTest, type CollectorUnderTest } from './helpers/collector-under-test.js';

const GITHUB_SECRET = 'hostile-github-secret-0123456789';
const GITLAB_TOKEN = 'hostile-gitlab-token-0123456789';
const TOKENS = ['hostile-ingest-token-aaaaaaaaaaaa', 'hostile-ingest-token-bbbbbbbbbbbb'];

const require = createRequire(import.meta.url);

/** A completed workflow_job delivery from @octokit/webhooks-examples, with its own job id. */
function githubJob(jobId: number): string {
  const definitions = require('@octokit/webhooks-examples') as { name: string; examples: Record<string, any>[] }[];
  const example = structuredClone(definitions.find((definition) => definition.name === 'workflow_job')!.examples.find((payload) => payload.action === 'completed')!);
  example.workflow_job.id = jobId;
  return JSON.stringify(example);
}

function gitlabJob(buildId: number): string {
  return JSON.stringify({
    object_kind: 'build',
    build_id: buildId,
    build_name: 'test',
    build_stage: 'test',
    build_status: 'success',
    build_finished_at: '2025-03-01 12:00:00 UTC',
    pipeline_id: 77,
    project: { path_with_namespace: 'group/app', web_url: 'https://gitlab.example.com/group/app' },
  });
}

const hmac = (secret: string, body: string): string => createHmac('sha256', secret).update(body).digest('hex');

function assertRefused(answer: { status: number; body: any }, code: string): void {
  assert.equal(answer.status, 401, JSON.stringify(answer.body));
  assert.equal(answer.body.error.code, code);
  assert.ok(answer.body.error.message.length > 0);
}

describe('forged, truncated and replayed webhook signatures and tokens (real HTTP)', () => {
  let collector: CollectorUnderTest;
  beforeEach(async () => {
    collector = await startCollectorUnderTest({ tokens: TOKENS, github: { secret: GITHUB_SECRET }, gitlab: { token: GITLAB_TOKEN } });
  });
  afterEach(async () => collector.close());

  const github = (body: string, signature: string | undefined, delivery: string = randomUUID()) =>
    collector.post('/webhooks/github', body, {
      'content-type': 'application/json',
      'x-github-event': 'workflow_job',
      'x-github-delivery': delivery,
      ...(signature === undefined ? {} : { 'x-hub-signature-256': signature }),
    });

  describe('GitHub X-Hub-Signature-256', () => {
    const body = githubJob(4242);
    const good = `sha256=${hmac(GITHUB_SECRET, body)}`;
    const forgeries: [string, string][] = [
      ['an HMAC with another secret', `sha256=${hmac('not-the-secret-0123456789', body)}`],
      ['an HMAC of another body', `sha256=${hmac(GITHUB_SECRET, githubJob(4243))}`],
      ['the right HMAC truncated by one hex digit', good.slice(0, -1)],
      ['the right HMAC truncated to half', good.slice(0, 7 + 32)],
      ['only the prefix', 'sha256='],
      ['the right hex without the prefix', hmac(GITHUB_SECRET, body)],
      ['the right hex under the sha1= prefix', `sha1=${hmac(GITHUB_SECRET, body)}`],
      ['the right hex under an upper-case prefix', `SHA256=${hmac(GITHUB_SECRET, body)}`],
      ['the right hex with a colon', `sha256:${hmac(GITHUB_SECRET, body)}`],
      ['the right HMAC in upper-case hex', `sha256=${hmac(GITHUB_SECRET, body).toUpperCase()}`],
      ['the right HMAC with one more hex digit', `${good}0`],
      ['the right HMAC twice', `${good},${good}`],
      ['the right HMAC with a trailing space inside', `${good} x`],
      ['an all-zero HMAC', `sha256=${'0'.repeat(64)}`],
    ];
    for (const [what, signature] of forgeries) {
      it(`refuses ${what}: 401 invalid_signature, nothing published`, async () => {
        assertRefused(await github(body, signature), 'invalid_signature');
        await collector.settle();
        assert.equal(collector.consumed.length, 0);
      });
    }

    it('refuses a missing or empty signature header before reading the body: 401 missing_signature', async () => {
      assertRefused(await github(body, undefined), 'missing_signature');
      assertRefused(await github(body, ''), 'missing_signature');
      await collector.settle();
      assert.equal(collector.consumed.length, 0);
    });

    it('refuses a correctly signed body sent with a changed byte, and a signed body re-serialised', async () => {
      assertRefused(await github(body.replace('"completed"', '"Completed"'), good), 'invalid_signature');
      assertRefused(await github(JSON.stringify(JSON.parse(body), null, 2), good), 'invalid_signature');
      await collector.settle();
      assert.equal(collector.consumed.length, 0);
    });

    it('accepts the genuine delivery once; a replay of it (same delivery id) is answered but not published again', async () => {
      const delivery = randomUUID();
      const first = await github(body, good, delivery);
      assert.equal(first.status, 202);
      assert.equal(first.body.status, 'accepted');
      const replay = await github(body, good, delivery);
      assert.deepEqual([replay.status, replay.body], [202, { status: 'duplicate_delivery' }]);
      // A captured delivery replayed under a new delivery id is still the same run event.
      const renamed = await github(body, good, randomUUID());
      assert.equal(renamed.status, 202);
      assert.equal(renamed.body.duplicate, true);
      await collector.settle();
      assert.equal(collector.consumed.length, 1, 'published exactly once');
    });
  });

  describe('GitLab X-Gitlab-Token', () => {
    const post = (token: string | undefined, body = gitlabJob(9001), key: string = randomUUID()) =>
      collector.post('/webhooks/gitlab', body, { 'content-type': 'application/json', 'idempotency-key': key, ...(token === undefined ? {} : { 'x-gitlab-token': token }) });
    const wrong: [string, string][] = [
      ['a wrong token', 'hostile-gitlab-token-9876543210'],
      ['a prefix of the token', GITLAB_TOKEN.slice(0, -1)],
      ['the token and one more character', `${GITLAB_TOKEN}0`],
      ['the token in upper case', GITLAB_TOKEN.toUpperCase()],
      ['the token with a space inside', `${GITLAB_TOKEN.slice(0, 8)} ${GITLAB_TOKEN.slice(8)}`],
      ['the ingest token', TOKENS[0]!],
      ['the GitHub secret', GITHUB_SECRET],
    ];
    for (const [what, token] of wrong) {
      it(`refuses ${what}: 401 invalid_gitlab_token, nothing published`, async () => {
        assertRefused(await post(token), 'invalid_gitlab_token');
        await collector.settle();
        assert.equal(collector.consumed.length, 0);
      });
    }

    it('refuses a missing or empty token: 401 missing_gitlab_token', async () => {
      assertRefused(await post(undefined), 'missing_gitlab_token');
      assertRefused(await post(''), 'missing_gitlab_token');
    });

    it('accepts the right token once per Idempotency-Key', async () => {
      const key = randomUUID();
      assert.equal((await post(GITLAB_TOKEN, gitlabJob(9002), key)).body.status, 'accepted');
      assert.equal((await post(GITLAB_TOKEN, gitlabJob(9002), key)).body.status, 'duplicate_delivery');
      await collector.settle();
      assert.equal(collector.consumed.length, 1);
    });
  });

  describe('bearer tokens', () => {
    const event = (id: string) =>
      JSON.stringify({ schema: 'pipewatch.run/v1', event_id: id, source: 'generic', occurred_at: '2025-03-01T12:00:00Z', pipeline: { id: 'p' }, run: { id: 'r' } });
    const post = (authorization: string | undefined, path = '/v1/events') =>
      collector.post(path, event(randomUUID()), { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) });

    const refused: [string, string | undefined, string][] = [
      ['no Authorization header', undefined, 'missing_token'],
      ['a bare "Bearer"', 'Bearer', 'missing_token'],
      ['Basic auth on a bearer route', `Basic ${Buffer.from(`x:${TOKENS[0]}`).toString('base64')}`, 'missing_token'],
      ['the token without a scheme', TOKENS[0], 'missing_token'],
      ['a wrong token', 'Bearer hostile-ingest-token-cccccccccccc', 'invalid_token'],
      ['a prefix of a token', `Bearer ${TOKENS[0]!.slice(0, -1)}`, 'invalid_token'],
      ['a token with one more character', `Bearer ${TOKENS[0]}a`, 'invalid_token'],
      ['both tokens glued', `Bearer ${TOKENS[0]}${TOKENS[1]}`, 'invalid_token'],
      ['the GitHub secret', `Bearer ${GITHUB_SECRET}`, 'invalid_token'],
      ['a 4 KiB token', `Bearer ${'A'.repeat(4096)}`, 'invalid_token'],
    ];
    for (const [what, authorization, code] of refused) {
      it(`refuses ${what}: 401 ${code} with WWW-Authenticate, nothing published`, async () => {
        const answer = await post(authorization);
        assertRefused(answer, code);
        assert.match(answer.headers.get('www-authenticate') ?? '', /^Bearer/);
        await collector.settle();
        assert.equal(collector.consumed.length, 0);
      });
    }

    it('accepts each configured token, with the scheme in any case', async () => {
      assert.equal((await post(`Bearer ${TOKENS[0]}`)).status, 202);
      assert.equal((await post(`bearer ${TOKENS[1]}`)).status, 202);
      await collector.settle();
      assert.equal(collector.consumed.length, 2);
    });

    it('takes the token as the Basic password on /webhooks/jenkins only, and refuses a wrong password there', async () => {
      const jenkins = (password: string) =>
        collector.post(
          '/webhooks/jenkins',
          JSON.stringify({ name: 'app', url: 'job/app/', build: { number: 3, phase: 'COMPLETED', status: 'SUCCESS', timestamp: Date.UTC(2025, 2, 1) } }),
          { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`pipewatch:${password}`).toString('base64')}` },
        );
      assertRefused(await jenkins('wrong-password-0123456789'), 'invalid_token');
      assertRefused(await jenkins(TOKENS[0]!.slice(0, -1)), 'invalid_token');
      assert.equal((await jenkins(TOKENS[0]!)).status, 202);
    });
  });
});
