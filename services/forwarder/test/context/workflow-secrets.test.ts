import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { secretNamesFromWorkflow } from '../../src/context/workflow-secrets.js';

const fixture = (name: string): Promise<string> =>
  readFile(new URL(`../fixtures/context/workflows/${name}`, import.meta.url), 'utf8');

describe('secretNamesFromWorkflow', () => {
  describe('on real workflows (fixtures/context/README.md)', () => {
    it('babel release.yml: each job its own set; a commented-out job does not count', async () => {
      const text = await fixture('babel-release.yml');
      assert.deepEqual(secretNamesFromWorkflow(text).names, ['BOT_TOKEN', 'GITHUB_TOKEN']);
      assert.deepEqual(secretNamesFromWorkflow(text, 'git-version').names, ['GITHUB_TOKEN']);
      assert.deepEqual(secretNamesFromWorkflow(text, 'npm-release').names, []);
      assert.deepEqual(secretNamesFromWorkflow(text, 'github-release').names, ['BOT_TOKEN', 'GITHUB_TOKEN']);
      // The commented-out types-docs-updates job below github-push uses BOT_TOKEN.
      assert.deepEqual(secretNamesFromWorkflow(text, 'github-push'), { names: ['GITHUB_TOKEN'], inherit: false, dynamic: false, all: false, jobFound: true });
      assert.equal(secretNamesFromWorkflow(text, 'types-docs-updates').jobFound, false);
    });

    it('changesets release-pr.yml and publish.yml', async () => {
      const pr = await fixture('changesets-action-release-pr.yml');
      assert.deepEqual(secretNamesFromWorkflow(pr, 'release_check').names, ['GITHUB_TOKEN']);
      assert.deepEqual(secretNamesFromWorkflow(pr, 'release').names, ['APP_PRIVATE_KEY', 'GITHUB_TOKEN']);
      assert.deepEqual(secretNamesFromWorkflow(pr, 'report-failure-if-needed').names, ['GITHUB_TOKEN']);
      const publish = await fixture('changesets-action-publish.yml');
      assert.deepEqual(secretNamesFromWorkflow(publish, 'select-mode').names, []);
      assert.deepEqual(secretNamesFromWorkflow(publish, 'version').names, ['APP_PRIVATE_KEY']);
      assert.deepEqual(secretNamesFromWorkflow(publish, 'publish').names, ['APP_PRIVATE_KEY']);
    });

    it('tj-actions test.yml: one secret in one of many jobs', async () => {
      const text = await fixture('tj-actions-changed-files-test.yml');
      assert.deepEqual(secretNamesFromWorkflow(text).names, ['CODACY_PROJECT_TOKEN']);
      assert.deepEqual(secretNamesFromWorkflow(text, 'build').names, ['CODACY_PROJECT_TOKEN']);
      assert.deepEqual(secretNamesFromWorkflow(text, 'test').names, []);
      assert.deepEqual(secretNamesFromWorkflow(text, 'test-multiple-repositories').names, []);
      assert.equal(secretNamesFromWorkflow(text, 'test-submodules').jobFound, true);
    });
  });

  // Small constructed workflows for forms the fixtures do not have.
  const workflow = [
    'name: ci',
    'env:',
    '  GLOBAL: ${{ secrets.Global_Token }}',
    'jobs:',
    '  "quoted-job":',
    '    runs-on: ubuntu-latest',
    '    steps:',
    "      - run: echo ${{ secrets['BRACKET_ONE'] }} ${{ secrets[\"BRACKET_TWO\"] }}",
    '      - run: |',
    '          # a shell comment is still expanded: ${{ secrets.IN_SCRIPT }}',
    '          echo done',
    '        env:',
    '          X: ${{ secrets.AFTER_SCRIPT }} # ${{ secrets.IN_COMMENT }}',
    '# a column-0 comment inside the job: ${{ secrets.COMMENTED }}',
    '      - if: secrets.IN_CONDITION != \'\'',
    '        run: echo',
    '  matrix:',
    '    strategy: { matrix: { s: [A, B] } }',
    '    steps:',
    '      - run: echo ${{ secrets[matrix.s] }}',
    '  dump:',
    '    steps:',
    '      - run: echo "${{ toJSON(secrets) }}"',
    '  call:',
    '    uses: ./.github/workflows/reusable.yml',
    '    secrets: inherit',
    '  multi-line:',
    '    outputs:',
    '      x: >-',
    '        ${{',
    '          secrets.SPANNING',
    '        }}',
  ].join('\n');

  it('reads bracket forms, scripts, trailing env, if: conditions; skips YAML comments', () => {
    assert.deepEqual(secretNamesFromWorkflow(workflow, 'quoted-job'), {
      names: ['AFTER_SCRIPT', 'BRACKET_ONE', 'BRACKET_TWO', 'GLOBAL_TOKEN', 'IN_CONDITION', 'IN_SCRIPT'],
      inherit: false,
      dynamic: false,
      all: false,
      jobFound: true,
    });
  });

  it('flags computed names, whole-context use and secrets: inherit', () => {
    const matrix = secretNamesFromWorkflow(workflow, 'matrix');
    assert.equal(matrix.dynamic, true);
    assert.deepEqual(matrix.names, ['GLOBAL_TOKEN']);
    assert.equal(secretNamesFromWorkflow(workflow, 'dump').all, true);
    assert.equal(secretNamesFromWorkflow(workflow, 'call').inherit, true);
    assert.equal(secretNamesFromWorkflow(workflow, 'quoted-job').inherit, false);
  });

  it('follows an expression across lines', () => {
    assert.deepEqual(secretNamesFromWorkflow(workflow, 'multi-line').names, ['GLOBAL_TOKEN', 'SPANNING']);
  });

  it('falls back to the whole file for an unknown job, and says so', () => {
    const unknown = secretNamesFromWorkflow(workflow, 'nope');
    assert.equal(unknown.jobFound, false);
    assert.ok(unknown.names.includes('SPANNING') && unknown.names.includes('IN_SCRIPT'));
    assert.ok(!unknown.names.includes('COMMENTED') && !unknown.names.includes('IN_COMMENT'));
  });

  it('does not take other contexts for secrets', () => {
    const text = 'jobs:\n  a:\n    steps:\n      - run: echo ${{ inputs.secrets.X }} ${{ vars.SECRET_NAME }} ${{ needs.b.outputs.secrets }}\n';
    assert.deepEqual(secretNamesFromWorkflow(text, 'a'), { names: [], inherit: false, dynamic: false, all: false, jobFound: true });
  });
});
