import assert from 'node:assert/strict';
import { gitLabSecretNames, looksSecret } from '../../src/context/gitlab-secret-names.js';

describe('gitLabSecretNames', () => {
  it('names GitLab credentials and secret-looking variables, sorted, never values', () => {
    const env = {
      GITLAB_CI: 'true',
      CI_JOB_TOKEN: 'glcbt-xyz',
      CI_REGISTRY_PASSWORD: 'glcbt-xyz',
      CI_REGISTRY_USER: 'gitlab-ci-token',
      CI_RUNNER_SHORT_TOKEN: 'abcd1234',
      CI_PROJECT_PATH: 'group/app',
      NPM_TOKEN: 'npm_abc',
      AWS_SECRET_ACCESS_KEY: 'k',
      AWS_ACCESS_KEY_ID: 'AKIA',
      DOCKER_AUTH_CONFIG: '{}',
      SSH_PRIVATE_KEY: '-----BEGIN',
      GITLAB_TOKEN: 'glpat-1',
      SONARTOKEN: 's',
      KUBECONFIG: '/builds/tmp/KUBECONFIG',
      DEPLOY_PASSWORD: '',
      PATH: '/usr/bin',
      PWD: '/builds/group/app',
      SSH_AUTH_SOCK: '/tmp/agent',
      GPG_KEY: 'A035C8C19219BA821ECEA86B64E628F8D684696D',
      NODE_VERSION: '20',
      MONKEY_BUSINESS: 'x',
    };
    const names = gitLabSecretNames(env);
    assert.deepEqual(names, [
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'CI_JOB_TOKEN',
      'CI_REGISTRY_PASSWORD',
      'DOCKER_AUTH_CONFIG',
      'GITLAB_TOKEN',
      'KUBECONFIG',
      'NPM_TOKEN',
      'SONARTOKEN',
      'SSH_PRIVATE_KEY',
    ]);
    for (const value of Object.values(env)) if (value.length > 3) assert.ok(!names.includes(value));
  });

  it('keeps other CI_ predefined names out, and ignores unset ones', () => {
    assert.equal(looksSecret('CI_RUNNER_SHORT_TOKEN'), false);
    assert.equal(looksSecret('CI_SERVER_TLS_KEY_FILE'), false);
    assert.equal(looksSecret('CI_DEPLOY_PASSWORD'), true);
    assert.deepEqual(gitLabSecretNames({ CI_JOB_TOKEN: undefined, API_KEY: '' }), []);
  });

  it('matches words, not substrings', () => {
    assert.equal(looksSecret('TURNKEY_MODE'), false);
    assert.equal(looksSecret('PASSENGER_COUNT'), false);
    assert.equal(looksSecret('api_key'), true);
    assert.equal(looksSecret('SENTRY_DSN'), true);
    assert.equal(looksSecret('GOOGLE_APPLICATION_CREDENTIALS'), true);
    assert.equal(looksSecret('GITHUB_PAT'), true);
  });
});
