import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readGitHubEventContext } from '../../src/context/github-event-context.js';

type Payload = Record<string, any>;
interface WebhookEvent {
  name: string;
  examples: Payload[];
}

/** GitHub's own webhook examples, as the @octokit/webhooks-examples dev dependency ships them. */
async function webhookExamples(): Promise<WebhookEvent[]> {
  const path = createRequire(import.meta.url).resolve('@octokit/webhooks-examples');
  return JSON.parse(await readFile(path, 'utf8')) as WebhookEvent[];
}

function example(events: WebhookEvent[], name: string, match: (payload: Payload) => boolean = () => true): Payload {
  const found = events.find((event) => event.name === name)?.examples.find(match);
  assert.ok(found, `no ${name} example`);
  return structuredClone(found);
}

describe('readGitHubEventContext', () => {
  let dir: string;
  let events: WebhookEvent[];
  before(async () => {
    events = await webhookExamples();
  });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pipewatch-event-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function write(payload: unknown, name = 'event.json'): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, typeof payload === 'string' ? payload : JSON.stringify(payload));
    return path;
  }

  it('reads a same-repository pull_request payload', async () => {
    const payload = example(events, 'pull_request', (p) => p.action === 'opened');
    const context = await readGitHubEventContext(await write(payload), 'pull_request');
    assert.deepEqual(context, {
      trigger: 'pull_request',
      actor: 'Codertocat',
      from_fork: false,
      head_repository: 'Codertocat/Hello-World',
      head_sha: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821',
      author_association: 'OWNER',
    });
  });

  it('says from_fork when the head repository is a fork (pull_request_target carries the same payload)', async () => {
    // The examples have no fork PR; this is the opened example with its head moved to a fork,
    // the way GitHub sends it (head.repo is the fork's own repository object).
    const payload = example(events, 'pull_request', (p) => p.action === 'opened');
    payload.pull_request.head.repo = { ...payload.pull_request.head.repo, full_name: 'mallory/Hello-World', fork: true };
    payload.pull_request.author_association = 'FIRST_TIME_CONTRIBUTOR';
    payload.sender = { ...payload.sender, login: 'mallory' };
    const context = await readGitHubEventContext(await write(payload), 'pull_request_target');
    assert.equal(context.trigger, 'pull_request_target');
    assert.equal(context.from_fork, true);
    assert.equal(context.head_repository, 'mallory/Hello-World');
    assert.equal(context.author_association, 'FIRST_TIME_CONTRIBUTOR');
    assert.equal(context.actor, 'mallory');
  });

  it('takes head.repo.fork alone as a fork, and a deleted head repository (null) as one too', async () => {
    const forked = example(events, 'pull_request', (p) => p.action === 'synchronize');
    forked.pull_request.head.repo.fork = true;
    assert.equal((await readGitHubEventContext(await write(forked, 'a.json'), 'pull_request')).from_fork, true);
    const deleted = example(events, 'pull_request', (p) => p.action === 'closed');
    deleted.pull_request.head.repo = null;
    const context = await readGitHubEventContext(await write(deleted, 'b.json'), 'pull_request_target');
    assert.equal(context.from_fork, true);
    assert.equal(context.head_repository, undefined);
  });

  it('reads every pull_request example without error', async () => {
    const all = events.find((event) => event.name === 'pull_request')?.examples ?? [];
    assert.ok(all.length > 10);
    for (const [i, payload] of all.entries()) {
      const context = await readGitHubEventContext(await write(payload, `pr-${i}.json`), 'pull_request');
      assert.equal(context.error, undefined);
      assert.equal(context.from_fork, false, `example ${i} (${payload.action})`);
      assert.equal(typeof context.head_sha, 'string');
    }
  });

  it('reads push and workflow_dispatch payloads: no fork question, head sha from push', async () => {
    const push = example(events, 'push', (p) => p.ref === 'refs/heads/master');
    const pushed = await readGitHubEventContext(await write(push, 'push.json'), 'push');
    assert.deepEqual(pushed, { trigger: 'push', actor: 'Codertocat', head_sha: push.after });
    const dispatch = example(events, 'workflow_dispatch');
    const dispatched = await readGitHubEventContext(await write(dispatch, 'dispatch.json'), 'workflow_dispatch');
    assert.deepEqual(dispatched, { trigger: 'workflow_dispatch', actor: dispatch.sender.login });
  });

  it('compares workflow_run head and base repositories', async () => {
    const run = example(events, 'workflow_run', (p) => p.action === 'completed');
    const same = await readGitHubEventContext(await write(run, 'run.json'), 'workflow_run');
    assert.equal(same.from_fork, false);
    assert.equal(same.head_sha, run.workflow_run.head_sha);
    run.workflow_run.head_repository = { ...run.workflow_run.head_repository, full_name: 'mallory/octo-repo' };
    const forked = await readGitHubEventContext(await write(run, 'run-fork.json'), 'workflow_run');
    assert.equal(forked.from_fork, true);
    assert.equal(forked.head_repository, 'mallory/octo-repo');
  });

  it('takes the comment author association on issue_comment', async () => {
    const comment = example(events, 'issue_comment', (p) => p.action === 'created');
    const context = await readGitHubEventContext(await write(comment, 'comment.json'), 'issue_comment');
    assert.equal(context.author_association, comment.comment.author_association);
    assert.equal(context.from_fork, undefined);
  });

  it('returns an error, never throws, for a missing, malformed, non-object or oversized file', async () => {
    const missing = await readGitHubEventContext(join(dir, 'nope.json'), 'push');
    assert.equal(missing.trigger, 'push');
    assert.match(missing.error ?? '', /ENOENT/);
    assert.match((await readGitHubEventContext(await write('{"sender": ', 'bad.json'))).error ?? '', /not JSON/);
    assert.match((await readGitHubEventContext(await write('[1,2]', 'arr.json'))).error ?? '', /not a JSON object/);
    const big = await write(JSON.stringify({ sender: { login: 'x' }, pad: 'y'.repeat(2000) }), 'big.json');
    assert.match((await readGitHubEventContext(big, 'push', 1000)).error ?? '', /over the 1000 byte limit/);
    assert.match((await readGitHubEventContext(dir, 'push')).error ?? '', /EISDIR/);
  });
});
