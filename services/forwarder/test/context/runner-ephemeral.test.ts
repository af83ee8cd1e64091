import assert from 'node:assert/strict';
import { runnerEphemeral } from '../../src/context/runner-ephemeral.js';

describe('runnerEphemeral', () => {
  const github = { GITHUB_ACTIONS: 'true' };
  const gitlab = { GITLAB_CI: 'true' };

  it('GitHub-hosted runners are hosted and ephemeral', () => {
    assert.deepEqual(runnerEphemeral({ ...github, RUNNER_ENVIRONMENT: 'github-hosted' }), { self_hosted: false, ephemeral: true });
  });

  it('a self-hosted GitHub runner leaves ephemeral unknown', () => {
    assert.deepEqual(runnerEphemeral({ ...github, RUNNER_ENVIRONMENT: 'self-hosted' }), { self_hosted: true });
  });

  it('says nothing without evidence', () => {
    assert.deepEqual(runnerEphemeral(github), {});
    assert.deepEqual(runnerEphemeral({}), {});
    assert.deepEqual(runnerEphemeral({ RUNNER_ENVIRONMENT: 'github-hosted' }), {}, 'not a GitHub Actions job');
    assert.deepEqual(runnerEphemeral(gitlab), {});
  });

  it('recognises GitLab.com hosted runners by description or saas tags', () => {
    const hosted = { self_hosted: false, ephemeral: true };
    assert.deepEqual(
      runnerEphemeral({ ...gitlab, CI_SERVER_HOST: 'gitlab.com', CI_RUNNER_DESCRIPTION: '3-blue.saas-linux-small-amd64.runners-manager.gitlab.com/default' }),
      hosted,
    );
    assert.deepEqual(runnerEphemeral({ ...gitlab, CI_SERVER_HOST: 'gitlab.com', CI_RUNNER_TAGS: '["gce", "saas-linux-medium-amd64"]' }), hosted);
    assert.deepEqual(runnerEphemeral({ ...gitlab, CI_SERVER_HOST: 'gitlab.com', CI_RUNNER_TAGS: 'saas-macos-medium-m1, macos' }), hosted);
  });

  it('does not trust saas tags off gitlab.com', () => {
    assert.deepEqual(runnerEphemeral({ ...gitlab, CI_SERVER_HOST: 'git.example.org', CI_RUNNER_TAGS: 'saas-linux-small-amd64' }), {});
  });

  it('a project runner on gitlab.com is self-hosted; its lifetime comes from the executor variables', () => {
    const base = { ...gitlab, CI_SERVER_HOST: 'gitlab.com', CI_RUNNER_DESCRIPTION: 'build-box-1', CI_RUNNER_TAGS: '["docker"]' };
    assert.deepEqual(runnerEphemeral(base), { self_hosted: true });
    assert.deepEqual(runnerEphemeral({ ...base, CI_DISPOSABLE_ENVIRONMENT: 'true' }), { self_hosted: true, ephemeral: true });
    assert.deepEqual(runnerEphemeral({ ...base, CI_SHARED_ENVIRONMENT: 'true' }), { self_hosted: true, ephemeral: false });
  });

  it('on a self-managed instance only the executor variables speak', () => {
    const base = { ...gitlab, CI_SERVER_HOST: 'gitlab.example.org', CI_RUNNER_DESCRIPTION: 'shell-runner', CI_RUNNER_EXECUTABLE_ARCH: 'linux/amd64' };
    assert.deepEqual(runnerEphemeral(base), {});
    assert.deepEqual(runnerEphemeral({ ...base, CI_SHARED_ENVIRONMENT: 'true' }), { ephemeral: false });
    assert.deepEqual(runnerEphemeral({ ...base, CI_DISPOSABLE_ENVIRONMENT: 'true' }), { ephemeral: true });
  });
});
