import { packageDigest } from '../traffic/world.js';
import { attackLog, attackRun, benignLinesOf, endOf, HOUR_MS, lastRunOf, type Incident } from './incident.js';

const EXFIL_HOST = 'webhook.site';
const MB = 1024 * 1024;

/**
 * Secret exfiltration to a new host, as the Shai-Hulud npm worm did it
 * (September 2025): a compromised package version's install script ran
 * TruffleHog over the checkout and the environment, then sent what it found out,
 * to webhook.site among others. Here the harvest is posted together with an
 * archive of the workspace, so the run both reaches a host the pipeline never
 * used and sends far more than it ever does. The package's new version, with
 * its own new digest, is an ordinary bump and must not be what alarms.
 */
export const secretExfiltration: Incident = {
  id: 'secret-exfiltration-new-host',
  title: 'Install script harvests secrets and posts them, with the workspace, to a new host',
  when: '2025-09 (Shai-Hulud pattern)',
  sources: [
    'https://go.sysdig.com/shai-hulud-worm-webinar.html',
    'https://cyberbudo.blog',
    'https://angelusrivera.github.io/cached_software_rendering.html',
  ],
  expected: [
    { anyOf: ['access.egress.new_host'], via: 'run', sees: 'the POST to webhook.site' },
    { anyOf: ['resource.net_tx.high'], via: 'run', sees: 'tens of MB sent by a job that sends a few' },
  ],
  weeks: 4,
  shape: {
    ecosystem: 'node',
    jobs: ['build', 'test', 'lint'],
    customize(repo) {
      repo.jobs.find((job) => job.kind === 'test')!.secrets.push('NPM_TOKEN', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY');
    },
  },
  inject(history, { rng }) {
    const template = lastRunOf(history, 'test');
    const sent = rng.int(40, 90) * MB;
    const run = attackRun(template, this.id, 0, endOf(history) + HOUR_MS, rng, (event) => {
      const compromised = '@ctrl/tinycolor';
      event.dependencies = [...(event.dependencies ?? []), { name: compromised, version: '4.1.1', digest: packageDigest(compromised, '4.1.1-worm'), source: 'https://registry.npmjs.org' }];
      event.access!.processes!.push({ exe: '/tmp/trufflehog', parent: '/opt/hostedtoolcache/node/x64/bin/node' });
      event.access!.egress!.push({ host: EXFIL_HOST, port: 443, bytes_out: sent });
      event.resources!.net_tx_bytes = (event.resources!.net_tx_bytes ?? 0) + sent;
      event.resources!.duration_s = (event.resources!.duration_s ?? 0) + rng.int(20, 60);
    });
    return [...history, attackLog(run, benignLinesOf(history, template), this.id), run];
  },
};
