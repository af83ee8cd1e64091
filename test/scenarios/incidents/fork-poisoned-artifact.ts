import { fakeDigest } from '../random/prng.js';
import type { RunItem } from '../scenario-item.js';
import { attackLog, attackRun, benignLinesOf, endOf, HOUR_MS, lastRunOf, type Incident } from './incident.js';

/**
 * A poisoned artifact from a fork ("pwn request"): a `pull_request_target`
 * workflow checks out the pull request's head and builds it with the base
 * repository's secrets and write token, as in the spotbugs workflow that began
 * the reviewdog / tj-actions chain (November 2024). The fork's build script skips
 * signing and publishes its own bytes under the version the main branch just
 * released. A monitor sees: fork code with secrets and a write token, an
 * unsigned artifact where builds were always signed, and a released version
 * whose digest changed.
 */
export const forkPoisonedArtifact: Incident = {
  id: 'fork-pwn-request-artifact',
  title: 'Fork pull request under pull_request_target publishes an unsigned artifact over a released version',
  when: '2024-11 (spotbugs pattern)',
  sources: [
    'https://news.routley.io/posts/github-actions-is-the-weakest-link.html',
    'https://www.wiz.io/ja-jp/blog/github-actions-security-threat-model-and-defenses',
  ],
  expected: [
    { anyOf: ['context.untrusted_code.secrets', 'context.untrusted_code.write_permissions'], via: 'run', sees: 'fork code with the base repository secrets and token' },
    { anyOf: ['integrity.artifact.unsigned'], via: 'run', sees: 'signing skipped where builds were always signed' },
    { anyOf: ['integrity.artifact.digest_changed'], via: 'run', sees: 'released version overwritten with other bytes' },
  ],
  weeks: 4,
  shape: {
    ecosystem: 'node',
    jobs: ['build', 'test', 'lint'],
    customize(repo) {
      const build = repo.jobs.find((job) => job.kind === 'build')!;
      build.prTrigger = 'pull_request_target';
      build.artifact = { name: repo.slug.split('/')[1]!, mode: 'versioned', signed: true };
      build.secrets.push('NPM_TOKEN', 'SIGNING_KEY');
      build.permissions = { contents: 'write', packages: 'write' };
      repo.forkShare = 0;
    },
  },
  inject(history, { rng }) {
    // The newest release, whatever kind of run built it: that is the version an attacker overwrites.
    const released = [...history].reverse().find((item): item is RunItem => item.kind === 'run' && item.event.pipeline.job === 'build' && (item.event.artifacts ?? []).some((artifact) => artifact.signed))!;
    const prTemplate = lastRunOf(history, 'build', (event) => event.run.trigger === 'pull_request_target');
    const run = attackRun(prTemplate, this.id, 0, endOf(history) + HOUR_MS, rng, (event) => {
      event.run.actor = 'new-contributor-4242';
      event.run.from_fork = true;
      event.run.branch = 'new-contributor-4242:fix-typo';
      const artifact = released.event.artifacts!.find((candidate) => candidate.signed)!;
      event.artifacts = [{ name: artifact.name, version: artifact.version, digest: `sha256:${fakeDigest('fork-build', artifact.name)}`, signed: false }];
    });
    return [...history, attackLog(run, benignLinesOf(history, prTemplate), this.id), run];
  },
};
