import assert from 'node:assert/strict';
import { gitLabTraceLines, parseGitLabJobTrace, ephemeralFromExecutor } from '../../src/joblog/index.js';
import { fixture } from './helpers.js';

const ESC = '\x1b';
const NO_CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/;

/** Adds gitlab-runner's FF_TIMESTAMPS prefix (`<time>Z 00O `) to every line, as newer runners write it. */
function timestamped(trace: string): string {
  const lines = trace.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines
    .map((l, i) => `2024-01-15T10:00:${String(i % 60).padStart(2, '0')}.123456Z 00O ${l}`)
    .join('\n') + '\n';
}

describe('parseGitLabJobTrace on gitlab-runner corpus traces', () => {
  it('log-5 (docker+machine, with digest): runner, executor, image, sections', () => {
    const f = parseGitLabJobTrace(fixture('gitlab-runner-corpus-log-5-head.trace'));
    assert.equal(f.runnerVersion, '13.12.0-rc1');
    assert.equal(f.runnerRevision, 'b21d5c5b');
    assert.equal(f.runnerDescription, 'docker-auto-scale');
    assert.equal(f.runnerShortToken, '72989761');
    assert.equal(f.executor, 'docker+machine');
    assert.equal(f.executorLine, 'Docker');
    assert.equal(f.ephemeral, true);
    assert.equal(f.imageName, 'openwrtorg/sdk:ath79-generic-master');
    assert.deepEqual(f.image, {
      id: 'sha256:4b162297a74401a7f00f5510fc35392b80101a47fae3564f227fc70ce7209134',
      name: 'openwrtorg/sdk:ath79-generic-master',
      digest: 'openwrtorg/sdk@sha256:1bab6aff4b2f81f7b0d24a3ceecc95057e81994959256411df331084dd6490bd',
    });
    assert.equal(f.runningOn, 'runner-72989761-project-14926021-concurrent-0');
    assert.equal(f.freshRepository, true);
    assert.deepEqual(
      f.sections.map((s) => [s.name, s.durationSeconds, s.header]),
      [
        ['resolve_secrets', 0, 'Resolving secrets'],
        ['prepare_executor', 43, 'Preparing the "docker+machine" executor'],
        ['prepare_script', 3, 'Preparing environment'],
        ['get_sources', 1, 'Getting source from Git repository'],
        ['step_script', undefined, 'Executing "step_script" stage of the job script'],
      ],
    );
  });

  it('log-5 plain lines carry no ANSI codes or section markers', () => {
    const lines = gitLabTraceLines(fixture('gitlab-runner-corpus-log-5-head.trace'));
    for (const l of lines) {
      assert.ok(!NO_CONTROL.test(l), JSON.stringify(l));
      assert.ok(!l.includes('section_start') && !l.includes('section_end'), l);
    }
    assert.equal(lines[0], 'Running with gitlab-runner 13.12.0-rc1 (b21d5c5b)');
    assert.equal(lines[1], '  on docker-auto-scale 72989761');
    assert.ok(lines.includes('Preparing the "docker+machine" executor'));
    assert.ok(lines.includes('$ make ci-prepare -f Makefile.ci'));
  });

  it('log-5 tail: several markers and text on one line', () => {
    const t = fixture('gitlab-runner-corpus-log-5-tail.trace');
    // The last physical line is a lone colour reset: it shows as an empty line.
    assert.deepEqual(gitLabTraceLines(t), ['Cleaning up file based variables', 'Job succeeded', '']);
    const f = parseGitLabJobTrace(t);
    // step_script's start is not in this excerpt, so its end closes nothing.
    assert.deepEqual(f.sections, [
      { name: 'cleanup_file_variables', start: 1624483189, end: 1624483189, durationSeconds: 0, header: 'Cleaning up file based variables' },
    ]);
  });

  it('log-3 (runner 11.4, markers end with a newline, no digest)', () => {
    const f = parseGitLabJobTrace(fixture('gitlab-runner-corpus-log-3.trace'));
    assert.equal(f.runnerVersion, '11.4.0-rc1');
    assert.equal(f.executor, 'docker');
    assert.equal(f.ephemeral, false);
    assert.deepEqual(f.image, { id: 'sha256:34ea7509dcad10aa92310f2b41e3afbabed0811ee3a902d6d49cb90f075fe444', name: 'alpine:3.7' });
    assert.deepEqual(f.sections.map((s) => [s.name, s.start, s.end]), [
      ['prepare_script', 1540587289, 1540587291],
      ['get_sources', 1540587291, 1540587303],
      ['restore_cache', 1540587303, 1540587305],
      ['download_artifacts', 1540587305, 1540587306],
      ['build_script', 1540587306, 1540587308],
      ['after_script', 1540587308, 1540587309],
      ['archive_cache', 1540587309, 1540587311],
      ['upload_artifacts_on_success', 1540587311, 1540587312],
    ]);
    const lines = gitLabTraceLines(fixture('gitlab-runner-corpus-log-3.trace'));
    assert.ok(lines.includes('$ unset GPG_KEY'));
    assert.ok(lines.every((l) => !NO_CONTROL.test(l) && !l.includes('section_')));
  });

  it('the timestamped (FF_TIMESTAMPS) form gives the same facts and lines', () => {
    const raw = fixture('gitlab-runner-corpus-log-5-head.trace');
    const plain = parseGitLabJobTrace(raw);
    const stamped = parseGitLabJobTrace(timestamped(raw));
    const { firstTimestamp, lastTimestamp, ...rest } = stamped;
    assert.deepEqual(rest, plain);
    assert.equal(firstTimestamp, '2024-01-15T10:00:00.123456Z');
    assert.equal(lastTimestamp, '2024-01-15T10:00:25.123456Z');
    assert.deepEqual(gitLabTraceLines(timestamped(raw)), gitLabTraceLines(raw));
  });

  it('joins `+` continuation lines', () => {
    const t = [
      `2024-01-15T10:00:00.000001Z 00O section_start:1705312800:prepare_executor\r${ESC}[0K`,
      `2024-01-15T10:00:00.000002Z 00O+${ESC}[0K${ESC}[36;1mPreparing the "shell" executor${ESC}[0;m`,
      `2024-01-15T10:00:00.000003Z 00O ${ESC}[0KUsing Shell (bash) executor...${ESC}[0;m`,
      `2024-01-15T10:00:04.000004Z 00O section_end:1705312804:prepare_executor\r${ESC}[0K`,
    ].join('\n');
    const f = parseGitLabJobTrace(t);
    assert.equal(f.executor, 'shell');
    assert.equal(f.executorLine, 'Shell (bash)');
    assert.equal(f.ephemeral, false);
    assert.deepEqual(f.sections, [{ name: 'prepare_executor', start: 1705312800, end: 1705312804, durationSeconds: 4, header: 'Preparing the "shell" executor' }]);
    assert.deepEqual(gitLabTraceLines(t), ['Preparing the "shell" executor', 'Using Shell (bash) executor...']);
  });

  it('kubernetes and collapsed-section options', () => {
    const t = `${ESC}[0KRunning with gitlab-runner 16.3.0 (8ec04662)${ESC}[0;m\n${ESC}[0K  on example-runner zbF4zAjwx, system ID: s_18faf34db374${ESC}[0;m\n` +
      `section_start:1694763179:prepare_executor[collapsed=true]\r${ESC}[0K${ESC}[0KUsing Kubernetes executor with image ruby:3.1 ...${ESC}[0;m\n`;
    const f = parseGitLabJobTrace(t);
    assert.equal(f.runnerShortToken, 'zbF4zAjwx');
    assert.equal(f.runnerSystemId, 's_18faf34db374');
    assert.equal(f.executor, 'kubernetes');
    assert.equal(f.imageName, 'ruby:3.1');
    assert.equal(f.ephemeral, true);
    assert.equal(f.sections[0]!.options, 'collapsed=true');
  });

  it('ephemeral by executor', () => {
    assert.equal(ephemeralFromExecutor('docker-autoscaler'), true);
    assert.equal(ephemeralFromExecutor('instance'), true);
    assert.equal(ephemeralFromExecutor('docker'), false);
    assert.equal(ephemeralFromExecutor('ssh'), false);
    assert.equal(ephemeralFromExecutor('virtualbox'), undefined);
    assert.equal(ephemeralFromExecutor(undefined), undefined);
  });

  it('keeps only the last rewrite of a \\r progress line', () => {
    assert.deepEqual(gitLabTraceLines('Downloading 10%\rDownloading 55%\rDownloading 100%\r\nok\n'), ['Downloading 100%', 'ok']);
  });
});
