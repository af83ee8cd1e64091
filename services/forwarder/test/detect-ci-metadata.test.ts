import assert from 'node:assert/strict';
import { detectCiMetadata, workflowPath, type CiMetadata, type MetadataFlags } from '../src/index.js';

const GITHUB = {
  GITHUB_ACTIONS: 'true',
  GITHUB_REPOSITORY: 'octo/app',
  GITHUB_WORKFLOW: 'CI',
  GITHUB_WORKFLOW_REF: 'octo/app/.github/workflows/ci.yml@refs/heads/main',
  GITHUB_JOB: 'build',
  GITHUB_RUN_ID: '9876543210',
  GITHUB_RUN_ATTEMPT: '2',
  GITHUB_RUN_NUMBER: '417',
  GITHUB_EVENT_NAME: 'push',
  GITHUB_REF_NAME: 'main',
  GITHUB_SHA: 'ffac537e6cbbf934b08745a378932722df287a53',
  GITHUB_ACTOR: 'octocat',
  GITHUB_SERVER_URL: 'https://github.com',
  RUNNER_NAME: 'GitHub Actions 12',
  RUNNER_OS: 'Linux',
  RUNNER_ARCH: 'X64',
  RUNNER_ENVIRONMENT: 'github-hosted',
};

const GITLAB = {
  GITLAB_CI: 'true',
  CI_PROJECT_PATH: 'group/sub/project',
  CI_JOB_NAME: 'test:unit',
  CI_JOB_STAGE: 'test',
  CI_PIPELINE_ID: '1000',
  CI_PIPELINE_IID: '57',
  CI_JOB_ID: '555123',
  CI_JOB_URL: 'https://gitlab.example.com/group/sub/project/-/jobs/555123',
  CI_PIPELINE_SOURCE: 'merge_request_event',
  CI_COMMIT_REF_NAME: 'feature',
  CI_COMMIT_SHA: '1f2e3d4c',
  GITLAB_USER_LOGIN: 'alice',
  CI_RUNNER_DESCRIPTION: 'shared-runner-3',
  CI_RUNNER_EXECUTABLE_ARCH: 'linux/amd64',
  CI_RUNNER_TAGS: '["docker", "linux"]',
  CI_MERGE_REQUEST_SOURCE_PROJECT_PATH: 'mallory/project',
  CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: 'evil-branch',
};

const JENKINS = {
  JENKINS_URL: 'https://ci.example.com/',
  JOB_NAME: 'folder/release',
  BUILD_NUMBER: '88',
  BUILD_URL: 'https://ci.example.com/job/folder/job/release/88/',
  GIT_COMMIT: 'abc123',
  GIT_BRANCH: 'origin/main',
  NODE_NAME: 'agent-7',
};

interface Case {
  name: string;
  env: Record<string, string>;
  flags?: MetadataFlags;
  expected: CiMetadata | undefined;
}

const cases: Case[] = [
  {
    name: 'GitHub Actions: every variable',
    env: GITHUB,
    expected: {
      ci: 'github',
      pipeline: { id: 'github:octo/app:CI:build', name: 'CI / build', repository: 'octo/app', job: 'build' },
      run: {
        id: '9876543210',
        attempt: 2,
        number: 417,
        url: 'https://github.com/octo/app/actions/runs/9876543210',
        trigger: 'push',
        branch: 'main',
        commit: 'ffac537e6cbbf934b08745a378932722df287a53',
        actor: 'octocat',
      },
      runner: { name: 'GitHub Actions 12', os: 'Linux', arch: 'X64', self_hosted: false },
      attributes: { github_workflow_path: '.github/workflows/ci.yml' },
    },
  },
  {
    name: 'GitHub Actions pull request: the head branch, not <n>/merge; a self-hosted runner',
    env: { ...GITHUB, GITHUB_EVENT_NAME: 'pull_request', GITHUB_REF_NAME: '12/merge', GITHUB_HEAD_REF: 'fix-typo', RUNNER_ENVIRONMENT: 'self-hosted' },
    expected: {
      ci: 'github',
      pipeline: { id: 'github:octo/app:CI:build', name: 'CI / build', repository: 'octo/app', job: 'build' },
      run: {
        id: '9876543210',
        attempt: 2,
        number: 417,
        url: 'https://github.com/octo/app/actions/runs/9876543210',
        trigger: 'pull_request',
        branch: 'fix-typo',
        commit: 'ffac537e6cbbf934b08745a378932722df287a53',
        actor: 'octocat',
      },
      runner: { name: 'GitHub Actions 12', os: 'Linux', arch: 'X64', self_hosted: true },
      attributes: { github_workflow_path: '.github/workflows/ci.yml' },
    },
  },
  {
    name: 'GitHub Actions, bare minimum: no workflow name falls back to the file path',
    env: { GITHUB_ACTIONS: 'true', GITHUB_REPOSITORY: 'o/r', GITHUB_JOB: 'j', GITHUB_RUN_ID: '1', GITHUB_WORKFLOW_REF: 'o/r/.github/workflows/x.yml@refs/tags/v1' },
    expected: {
      ci: 'github',
      pipeline: { id: 'github:o/r:.github/workflows/x.yml:j', name: '.github/workflows/x.yml / j', repository: 'o/r', job: 'j' },
      run: { id: '1' },
      attributes: { github_workflow_path: '.github/workflows/x.yml' },
    },
  },
  {
    name: 'GitHub variables without GITHUB_ACTIONS=true are not trusted as GitHub',
    env: { ...GITHUB, GITHUB_ACTIONS: '' },
    expected: undefined,
  },
  {
    name: 'GitLab CI: a merge request from a fork, JSON runner tags',
    env: GITLAB,
    expected: {
      ci: 'gitlab',
      pipeline: { id: 'gitlab:group/sub/project:.gitlab-ci.yml:test:unit', name: 'test / test:unit', repository: 'group/sub/project', job: 'test:unit' },
      run: {
        id: '1000',
        number: 57,
        url: 'https://gitlab.example.com/group/sub/project/-/jobs/555123',
        trigger: 'merge_request',
        branch: 'evil-branch',
        commit: '1f2e3d4c',
        actor: 'alice',
        from_fork: true,
      },
      runner: { name: 'shared-runner-3', os: 'linux', arch: 'amd64', labels: ['docker', 'linux'] },
      attemptKey: '555123',
      attributes: { gitlab_job_id: '555123' },
    },
  },
  {
    name: 'GitLab CI: a push, comma-list tags, web trigger read as manual',
    env: {
      GITLAB_CI: 'true',
      CI_PROJECT_PATH: 'g/p',
      CI_JOB_NAME: 'build',
      CI_PIPELINE_ID: '7',
      CI_PIPELINE_SOURCE: 'web',
      CI_COMMIT_REF_NAME: 'main',
      CI_RUNNER_TAGS: 'docker, big',
    },
    expected: {
      ci: 'gitlab',
      pipeline: { id: 'gitlab:g/p:.gitlab-ci.yml:build', name: 'build', repository: 'g/p', job: 'build' },
      run: { id: '7', trigger: 'manual', branch: 'main' },
      runner: { labels: ['docker', 'big'] },
    },
  },
  {
    name: 'Jenkins: JOB_NAME and BUILD_* variables',
    env: JENKINS,
    expected: {
      ci: 'jenkins',
      pipeline: { id: 'jenkins:folder/release', name: 'folder/release', job: 'folder/release' },
      run: { id: '88', number: 88, url: 'https://ci.example.com/job/folder/job/release/88/', branch: 'origin/main', commit: 'abc123' },
      runner: { name: 'agent-7' },
    },
  },
  {
    name: 'no CI, both flags: a bare pipeline and run',
    env: { PATH: '/usr/bin' },
    flags: { pipeline: 'my-build', run: '42', attempt: 1 },
    expected: { ci: 'flags', pipeline: { id: 'my-build' }, run: { id: '42', attempt: 1 } },
  },
  {
    name: 'flags override what the CI says',
    env: JENKINS,
    flags: { pipeline: 'custom:id' },
    expected: {
      ci: 'jenkins',
      pipeline: { id: 'custom:id', name: 'folder/release', job: 'folder/release' },
      run: { id: '88', number: 88, url: 'https://ci.example.com/job/folder/job/release/88/', branch: 'origin/main', commit: 'abc123' },
      runner: { name: 'agent-7' },
    },
  },
  { name: 'no CI and only --pipeline: not enough', env: {}, flags: { pipeline: 'p' }, expected: undefined },
  { name: 'nothing at all', env: {}, expected: undefined },
];

describe('detectCiMetadata (pure function of the env map)', () => {
  for (const { name, env, flags, expected } of cases) {
    it(name, () => {
      assert.deepEqual(detectCiMetadata(env, flags), expected);
    });
  }

  it('keeps a very long pipeline id within the contract\'s 300 characters, distinct per input', () => {
    const long = (suffix: string) => detectCiMetadata({ ...GITHUB, GITHUB_JOB: `${'j'.repeat(400)}${suffix}` })!.pipeline.id;
    assert.equal(long('a').length, 300);
    assert.notEqual(long('a'), long('b'));
  });

  it('reads the workflow file path out of GITHUB_WORKFLOW_REF', () => {
    assert.equal(workflowPath('octo/app', 'octo/app/.github/workflows/ci.yml@refs/heads/main'), '.github/workflows/ci.yml');
    assert.equal(workflowPath('octo/app', 'other/lib/.github/workflows/reusable.yml@v2'), 'other/lib/.github/workflows/reusable.yml');
    assert.equal(workflowPath('octo/app', undefined), undefined);
  });
});
