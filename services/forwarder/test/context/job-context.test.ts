import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readJobContext } from '../../src/context/job-context.js';

type Payload = Record<string, any>;

/** GitHub's own `pull_request.opened` example, its head moved to a fork as GitHub sends a fork PR. */
async function forkPullRequest(): Promise<Payload> {
  const path = createRequire(import.meta.url).resolve('@octokit/webhooks-examples');
  const events = JSON.parse(await readFile(path, 'utf8')) as { name: string; examples: Payload[] }[];
  const opened = structuredClone(events.find((event) => event.name === 'pull_request')!.examples.find((payload) => payload.action === 'opened')!);
  opened.pull_request.head.repo = { ...opened.pull_request.head.repo, full_name: 'outsider/Hello-World', fork: true };
  opened.sender = { ...opened.sender, login: 'outsider' };
  return opened;
}

const WORKFLOW = `name: CI
on: [pull_request, pull_request_target]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm test
        env:
          NPM_TOKEN: \${{ secrets.NPM_TOKEN }}
          GH: \${{ secrets.GITHUB_TOKEN }}
`;

describe('readJobContext', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pipewatch-job-context-'));
    const workspace = join(dir, 'work', 'Hello-World', 'Hello-World');
    await mkdir(join(workspace, '.github', 'workflows'), { recursive: true });
    await writeFile(join(workspace, '.github', 'workflows', 'ci.yml'), WORKFLOW);
    await writeFile(join(dir, 'event.json'), JSON.stringify(await forkPullRequest()));
    env = {
      GITHUB_ACTIONS: 'true',
      GITHUB_REPOSITORY: 'Codertocat/Hello-World',
      GITHUB_JOB: 'test',
      GITHUB_WORKSPACE: workspace,
      GITHUB_WORKFLOW_REF: 'Codertocat/Hello-World/.github/workflows/ci.yml@refs/pull/2/merge',
      GITHUB_EVENT_PATH: join(dir, 'event.json'),
    };
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a fork pull_request lists no secrets: GitHub withholds them, and says so', async () => {
    const context = await readJobContext({ ...env, GITHUB_EVENT_NAME: 'pull_request' }, env.GITHUB_WORKSPACE!);
    assert.equal(context.run.from_fork, true);
    assert.deepEqual(context.secrets, []);
    assert.equal(context.attributes.secrets_withheld, 'fork pull_request');
  });

  it('a fork pull_request_target lists the workflow secrets: that trigger hands them to fork code', async () => {
    const context = await readJobContext({ ...env, GITHUB_EVENT_NAME: 'pull_request_target' }, env.GITHUB_WORKSPACE!);
    assert.equal(context.run.from_fork, true);
    assert.equal(context.run.trigger, 'pull_request_target');
    assert.deepEqual(context.secrets, ['GITHUB_TOKEN', 'NPM_TOKEN']);
    assert.equal(context.attributes.secrets_withheld, undefined);
  });
});
