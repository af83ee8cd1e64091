import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWorkflowFile, workflowFileFromRef } from '../../src/context/workflow-file.js';

describe('workflowFileFromRef', () => {
  const env = {
    GITHUB_REPOSITORY: 'octo/app',
    GITHUB_WORKFLOW_REF: 'octo/app/.github/workflows/ci.yml@refs/heads/main',
    GITHUB_WORKSPACE: '/home/runner/work/app/app',
  };

  it('maps the ref to the file in the workspace', () => {
    assert.equal(workflowFileFromRef(env), '/home/runner/work/app/app/.github/workflows/ci.yml');
    assert.equal(workflowFileFromRef(env, '/w'), '/w/.github/workflows/ci.yml');
    assert.equal(workflowFileFromRef({ ...env, GITHUB_WORKFLOW_REF: 'Octo/App/.github/workflows/ci.yml@refs/pull/7/merge' }), '/home/runner/work/app/app/.github/workflows/ci.yml');
  });

  it('is undefined when the workflow lives in another repository or anything is missing', () => {
    assert.equal(workflowFileFromRef({ ...env, GITHUB_WORKFLOW_REF: 'octo/shared/.github/workflows/ci.yml@v1' }), undefined);
    assert.equal(workflowFileFromRef({ ...env, GITHUB_WORKFLOW_REF: 'octo/application/.github/workflows/ci.yml@v1' }), undefined);
    assert.equal(workflowFileFromRef({ ...env, GITHUB_WORKFLOW_REF: undefined }), undefined);
    assert.equal(workflowFileFromRef({ ...env, GITHUB_WORKSPACE: undefined }), undefined);
    assert.equal(workflowFileFromRef({ ...env, GITHUB_WORKFLOW_REF: 'octo/app/../../etc/passwd@x' }), undefined);
  });
});

describe('readWorkflowFile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pipewatch-workflow-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads within the bound and reports errors instead of throwing', async () => {
    await writeFile(join(dir, 'ci.yml'), 'jobs: {}\n');
    assert.deepEqual(await readWorkflowFile(join(dir, 'ci.yml')), { text: 'jobs: {}\n' });
    assert.match((await readWorkflowFile(join(dir, 'ci.yml'), 4)).error ?? '', /over the 4 byte limit/);
    assert.match((await readWorkflowFile(join(dir, 'missing.yml'))).error ?? '', /ENOENT/);
    assert.match((await readWorkflowFile(dir)).error ?? '', /not a regular file/);
  });
});
