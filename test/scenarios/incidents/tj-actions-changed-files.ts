import type { Rng } from '../random/prng.js';
import { attackLog, attackRun, benignLinesOf, endOf, HOUR_MS, lastRunOf, type Incident } from './incident.js';

const ACTION = 'tj-actions/changed-files@v45';
/** The commit every tag was moved to (an orphan commit posing as a renovate[bot] update). */
const MALICIOUS_SHA = '0e58ed8671d6b60d0890c21b07f8835ace038e67';

/**
 * tj-actions/changed-files, 14-15 March 2025 (CVE-2025-30066). With a stolen bot
 * token the attacker pointed every version tag (v1..v45) at one orphan commit.
 * Its code, on Linux runners, fetched memdump.py from gist.githubusercontent.com,
 * ran it with sudo to read the Runner.Worker process memory, kept the entries
 * marked `"isSecret":true`, and printed them base64-encoded twice into the job
 * log, where public repositories exposed them. StepSecurity's Harden-Runner
 * caught it by the unexpected gist endpoint. A monitor sees: the action's tag
 * resolving to a new commit, a new egress host, sudo and python3 where the job
 * never ran them, and a long doubly-encoded blob in the log.
 */
export const tjActionsChangedFiles: Incident = {
  id: 'tj-actions-changed-files-2025',
  title: 'tj-actions/changed-files tags moved to a commit that dumped runner memory into the log',
  when: '2025-03-14 .. 2025-03-15',
  sources: [
    'https://cremit.io/blog/a-wake-up-call-for-nhi-security-the-tj-actions-changed-files-compromise',
    'https://blog.gitcode.com/338a447876af6856bef4c022b1608d28.html',
    'https://nhimg.org/articles/tj-actionschanged-files-breach-exposed-cicd-secret-trust-gaps/',
  ],
  expected: [
    { anyOf: ['integrity.action.ref_moved'], via: 'run', sees: 'v45 now resolves to the orphan commit' },
    { anyOf: ['access.egress.new_host'], via: 'run', sees: 'memdump.py fetched from gist.githubusercontent.com' },
    { anyOf: ['log.encoded_secret', 'log.encoded_blob'], via: 'log', sees: 'secrets printed base64-encoded twice' },
  ],
  weeks: 4,
  shape: {
    ecosystem: 'node',
    jobs: ['build', 'test', 'lint'],
    customize(repo) {
      const lint = repo.jobs.find((job) => job.kind === 'lint')!;
      if (!lint.actions.includes(ACTION)) lint.actions.push(ACTION);
      // However the rest is referenced, the victims used the moving tag.
      repo.taggedActions.push(ACTION);
      lint.secrets.push('NPM_TOKEN');
    },
  },
  inject(history, { rng }) {
    const template = lastRunOf(history, 'lint');
    const run = attackRun(template, this.id, 0, endOf(history) + HOUR_MS, rng, (event) => {
      for (const step of event.steps ?? []) if (step.action === ACTION) step.action_sha = MALICIOUS_SHA;
      event.access!.egress!.push({ host: 'gist.githubusercontent.com', port: 443 });
      event.access!.processes!.push({ exe: '/usr/bin/sudo', parent: '/home/runner/externals/node20/bin/node' }, { exe: '/usr/bin/python3', parent: '/usr/bin/sudo' });
    });
    const lines = benignLinesOf(history, template).map((line) => (line.startsWith(`Download action repository '${ACTION}'`) ? `Download action repository '${ACTION}' (SHA:${MALICIOUS_SHA})` : line));
    const at = lines.findIndex((line) => line.startsWith('Run ') || line.startsWith('##[group]Run npm'));
    lines.splice(at < 0 ? lines.length : at, 0, `##[group]Run ${ACTION}`, 'Using local .git directory', secretDump(rng, run.event.access?.secrets ?? []), '##[endgroup]');
    return [...history, attackLog(run, lines, this.id), run];
  },
};

/** What the payload printed: the runner's secret records, `base64 -w 0 | base64 -w 0`. Values are fresh fakes. */
function secretDump(rng: Rng, names: readonly string[]): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const token = (length: number) => Array.from({ length }, () => alphabet[rng.int(0, alphabet.length - 1)]).join('');
  const value = (name: string) => (name === 'GITHUB_TOKEN' ? `ghs_${token(36)}` : name === 'NPM_TOKEN' ? `npm_${token(36)}` : token(40));
  const records = [...names, 'github_token'].map((name) => `"${name}":{"value":"${value(name)}","isSecret":true}`).join('\n');
  return Buffer.from(Buffer.from(records).toString('base64')).toString('base64');
}
