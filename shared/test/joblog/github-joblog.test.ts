import assert from 'node:assert/strict';
import { parseGitHubJobLog, type GitHubJobLogFacts } from '../../src/joblog/index.js';
import { ciLog, fixture, ghToRest, grepDownloads, restToGh } from './helpers.js';

const pick = (f: GitHubJobLogFacts) => f.actions.map(({ action, sha }) => ({ action, sha }));
// Facts that do not depend on the line shape: gh-only columns are left out.
const shapeFree = (f: GitHubJobLogFacts) => ({
  actions: f.actions,
  permissions: f.permissions,
  runner: f.runner,
  hosted: f.hosted,
  steps: f.steps.map(({ run, uses, line }) => ({ run, uses, line })),
  firstTimestamp: f.firstTimestamp,
  lastTimestamp: f.lastTimestamp,
});

describe('parseGitHubJobLog on the shared ci-logs (gh run view --log and REST)', function () {
  const cases = ['cidiff_11/pass.log', 'cidiff_11/fail.log', 'cidiff_57/pass.log', 'cidiff_75/fail.log', 'cv_45/pass.log', 'cv_45/fail.log', 'google_auto_693/fail.log'];
  for (const c of cases) {
    it(`${c}: actions and SHAs equal what a grep finds`, function () {
      const text = ciLog(c);
      if (text === undefined) this.skip();
      const facts = parseGitHubJobLog(text!);
      assert.deepEqual(pick(facts), grepDownloads(text!));
      assert.ok(facts.actions.length > 0);
    });
  }

  it('cidiff_11/pass.log (gh cli shape): runner, permissions, steps', function () {
    const text = ciLog('cidiff_11/pass.log');
    if (text === undefined) this.skip();
    const f = parseGitHubJobLog(text!);
    assert.equal(f.shape, 'gh-cli');
    assert.equal(f.job, 'build-test-deploy');
    assert.equal(f.runner.version, '2.284.0');
    assert.deepEqual(f.runner.os, { name: 'Ubuntu', version: '20.04.3', lines: ['Ubuntu', '20.04.3', 'LTS'] });
    assert.equal(f.runner.image?.image, 'ubuntu-20.04');
    assert.equal(f.runner.image?.version, '20211122.1');
    assert.equal(f.runner.image?.includedSoftware, 'https://github.com/actions/virtual-environments/blob/ubuntu20/20211122.1/images/linux/Ubuntu2004-README.md');
    assert.deepEqual(f.runner.provisioner, ['1.0.0.0-master-20211123-1']);
    assert.equal(f.hosted, true);
    assert.equal(f.permissions.contents, 'write');
    assert.equal(f.permissions.metadata, 'read');
    assert.equal(f.permissions.pullrequests, 'write');
    assert.equal(Object.keys(f.permissions).length, 13);
    assert.deepEqual(f.actions, [
      { action: 'actions/checkout@v2', sha: 'ec3a7ce113134d7a93b817d10a8272cb61118579', kind: 'repository', round: 1, nested: false },
      { action: 'actions/setup-java@v2', sha: '5f00602cd1b2819185d88dc7a1b1985f598c6705', kind: 'repository', round: 1, nested: false },
    ]);
    assert.deepEqual(
      f.steps.map((s) => [s.name, s.run, s.uses?.sha]),
      [
        ['checkout cidiff', 'actions/checkout@v2', 'ec3a7ce113134d7a93b817d10a8272cb61118579'],
        ['Run actions/setup-java@v2', 'actions/setup-java@v2', '5f00602cd1b2819185d88dc7a1b1985f598c6705'],
        ['build cidiff', './gradlew build', undefined],
      ],
    );
    assert.deepEqual(f.stepNames, ['Set up job', 'checkout cidiff', 'Run actions/setup-java@v2', 'build cidiff', 'Post Run actions/setup-java@v2', 'Post checkout cidiff', 'Complete job']);
    assert.equal(f.firstTimestamp, '2021-11-30T20:55:25.6348665Z');
    assert.equal(f.lastTimestamp, '2021-11-30T20:55:48.7237352Z');
  });

  it('cidiff_57/pass.log (REST shape, CRLF): runner and assignment line', function () {
    const text = ciLog('cidiff_57/pass.log');
    if (text === undefined) this.skip();
    const f = parseGitHubJobLog(text!);
    assert.equal(f.shape, 'rest');
    assert.equal(f.runner.version, '2.291.1');
    assert.equal(f.runner.assignedPool, 'hosted');
    assert.equal(f.runner.image?.version, '20220515.1');
    assert.equal(f.hosted, true);
    assert.deepEqual(f.steps.map((s) => s.run), ['actions/checkout@v2', 'actions/setup-java@v2', './gradlew build']);
    assert.equal(f.steps[1]!.uses?.sha, 'f0bb91606209742fe3ea40199be2f3ef195ecabf');
  });

  it('a copy with one SHA changed yields the changed SHA', function () {
    const text = ciLog('cv_45/pass.log');
    if (text === undefined) this.skip();
    const old = '79c8170fb031178e9339dc67726c3ac923b75b2f';
    const forged = 'deadbeef'.repeat(5);
    assert.ok(text!.includes(old));
    const f = parseGitHubJobLog(text!.replace(old, forged));
    const latex = f.actions.find((a) => a.action === 'xu-cheng/latex-action@v2');
    assert.equal(latex?.sha, forged);
    assert.equal(f.steps.find((s) => s.run === 'xu-cheng/latex-action@v2')?.uses?.sha, forged);
  });

  it('both line shapes give the same facts for the same log', function () {
    const gh = ciLog('cidiff_11/fail.log');
    const rest = ciLog('cidiff_75/pass.log');
    if (gh === undefined || rest === undefined) this.skip();
    // gh -> REST
    const a = parseGitHubJobLog(gh!);
    const b = parseGitHubJobLog(ghToRest(gh!));
    assert.equal(b.shape, 'rest');
    assert.deepEqual(shapeFree(b), shapeFree(a));
    // REST -> gh
    const c = parseGitHubJobLog(rest!);
    const d = parseGitHubJobLog(restToGh(rest!, 'build'));
    assert.equal(d.shape, 'gh-cli');
    assert.deepEqual(shapeFree(d), shapeFree(c));
  });
});

describe('parseGitHubJobLog on public REST-shape fixtures', () => {
  it('Backstage fixture: Runner Image group, nested download round, permissions', () => {
    const f = parseGitHubJobLog(fixture('github-rest-backstage-pages-build.log'));
    assert.equal(f.shape, 'rest');
    assert.equal(f.runner.version, '2.299.1');
    assert.deepEqual(f.runner.image, {
      image: 'ubuntu-22.04',
      version: '20221204.2',
      includedSoftware: 'https://github.com/actions/runner-images/blob/ubuntu22/20221204.2/images/linux/Ubuntu2204-Readme.md',
      imageRelease: 'https://github.com/actions/runner-images/releases/tag/ubuntu22%2F20221204.2',
    });
    assert.deepEqual(f.runner.provisioner, ['2.0.91.1']);
    assert.deepEqual(f.permissions, { contents: 'read', metadata: 'read', pages: 'write' });
    assert.equal(f.hosted, true);
    assert.deepEqual(
      f.actions.map((a) => [a.action, a.sha, a.round, a.nested]),
      [
        ['actions/checkout@v3', '93ea575cb5d8a053eaa0ac8fa3b40d7e05a33cc8', 1, false],
        ['actions/jekyll-build-pages@v1', '9b882383c88a22eef81e9c1a5a232c2ff9a6672b', 1, false],
        ['actions/upload-pages-artifact@v1', 'c8641e80048cf33d329c39df3bcc53196178335a', 1, false],
        ['actions/upload-artifact@main', '83fd05a356d7e2593de66fc9913b3002723633cb', 2, true],
      ],
    );
    // The `Pull down action image` group during setup is not a step.
    assert.deepEqual(f.steps.map((s) => [s.run, s.uses?.sha]), [
      ['actions/checkout@v3', '93ea575cb5d8a053eaa0ac8fa3b40d7e05a33cc8'],
      ['actions/jekyll-build-pages@v1', '9b882383c88a22eef81e9c1a5a232c2ff9a6672b'],
    ]);
  });
});

describe('parseGitHubJobLog on shapes seen in newer logs', () => {
  // Line shapes as printed by 2024-2025 hosted runners (immutable actions, Hosted Compute Agent).
  const ts = (i: number) => `2025-07-06T15:46:56.${String(1000000 + i).slice(1)}0Z`;
  const log = (lines: string[]) => '\uFEFF' + lines.map((l, i) => `${ts(i)} ${l}`).join('\r\n') + '\r\n';

  it('reads immutable action packages and the Hosted Compute Agent', () => {
    const f = parseGitHubJobLog(log([
      "Current runner version: '2.325.0'",
      '##[group]Runner Image Provisioner',
      'Hosted Compute Agent',
      'Version: 20250703.357',
      '##[endgroup]',
      '##[group]Runner Image',
      'Image: ubuntu-24.04',
      'Version: 20250623.1.0',
      '##[endgroup]',
      'Getting action download info',
      "##[group]Download immutable action package 'actions/checkout@v4'",
      'Version: 4.2.2',
      'Digest: sha256:ccb2698953eaebd21c7bf6268a94f9c26518a7e38e27e0b83c1fe1ad049819b1',
      'Source commit SHA: 11bd71901bbe5b1630ceea73d27597364c9af683',
      '##[endgroup]',
      "Download action repository 'owner/repo/sub/dir@v1' (SHA:0123456789abcdef0123456789abcdef01234567)",
      '##[group]Run actions/checkout@v4',
      '##[endgroup]',
    ]));
    assert.equal(f.runner.hostedComputeAgent, true);
    assert.equal(f.hosted, true);
    assert.deepEqual(f.actions[0], {
      action: 'actions/checkout@v4', sha: '11bd71901bbe5b1630ceea73d27597364c9af683', kind: 'immutable',
      version: '4.2.2', digest: 'sha256:ccb2698953eaebd21c7bf6268a94f9c26518a7e38e27e0b83c1fe1ad049819b1', round: 1, nested: false,
    });
    assert.equal(f.actions[1]!.action, 'owner/repo/sub/dir@v1');
    assert.equal(f.steps[0]!.uses?.kind, 'immutable');
  });

  it('a self-hosted setup section (no image group) says hosted: false', () => {
    const f = parseGitHubJobLog(log([
      "Current runner version: '2.311.0'",
      "Runner name: 'build-box-3'",
      "Runner group name: 'Default'",
      "Machine name: 'build-box-3'",
      '##[group]GITHUB_TOKEN Permissions',
      'Contents: read',
      '##[endgroup]',
    ]));
    assert.equal(f.runner.name, 'build-box-3');
    assert.equal(f.runner.groupName, 'Default');
    assert.equal(f.runner.machineName, 'build-box-3');
    assert.equal(f.hosted, false);
  });

  it('a log without a setup section says hosted: undefined', () => {
    assert.equal(parseGitHubJobLog('hello\nworld\n').hosted, undefined);
    assert.equal(parseGitHubJobLog('').actions.length, 0);
  });

  it('a download inside a step is marked nested with its step', () => {
    const f = parseGitHubJobLog(log([
      "Current runner version: '2.325.0'",
      '##[group]Run ./.github/actions/local',
      '##[endgroup]',
      "Download action repository 'actions/cache@v4' (SHA:0123456789abcdef0123456789abcdef01234567)",
    ]));
    assert.deepEqual(f.actions.map((a) => [a.step, a.nested]), [[0, true]]);
  });

  it('setup facts after the setup section are ignored', () => {
    const f = parseGitHubJobLog(log([
      "Current runner version: '2.325.0'",
      '##[group]Run echo hi',
      '##[endgroup]',
      '##[group]GITHUB_TOKEN Permissions',
      'Contents: write',
      '##[endgroup]',
      "Runner name: 'forged'",
    ]));
    assert.deepEqual(f.permissions, {});
    assert.equal(f.runner.name, undefined);
  });
});
