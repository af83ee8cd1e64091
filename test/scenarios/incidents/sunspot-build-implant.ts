import type { RunEvent } from '@pipewatch/shared';
import { fakeDigest } from '../random/prng.js';
import { attackLog, attackRun, benignLinesOf, endOf, HOUR_MS, lastRunOf, type Incident } from './incident.js';

/** Per CrowdStrike: the implant's file name; its directory here is illustrative. */
const SUNSPOT = 'C:\\Windows\\System32\\taskhostsvc.exe';
/** Per CrowdStrike, SUNSPOT kept an encrypted log in the Windows temp folder under a VMware-looking name. */
const SUNSPOT_LOG = 'C:\\Windows\\Temp\\vmware-vmdmp.log';

/**
 * SolarWinds SUNSPOT, February - June 2020. An implant on the Orion build server
 * (taskhostsvc.exe) watched for MsBuild.exe building Orion, swapped
 * InventoryManager.cs for a backdoored copy during the compile and put the
 * original back afterwards, so the repository stayed clean. The resulting
 * SolarWinds.Orion.Core.BusinessLayer.dll was signed with SolarWinds' valid
 * certificate. A monitor sees: an extra process on the build machine, a file it
 * writes outside the workspace, and, where the same version is built twice (a
 * re-build of an approved commit on a deterministic build), a different digest
 * for the same version, the check SolarWinds adopted afterwards.
 */
export const sunspotBuildImplant: Incident = {
  id: 'solarwinds-sunspot-2020',
  title: 'SolarWinds SUNSPOT: build-time source swap, same version with another digest',
  when: '2020-02 .. 2020-06',
  sources: [
    'https://www.crowdstrike.com/blog/sunspot-malware-technical-analysis/',
    'https://safeguard.sh/resources/blog/sunburst-supply-chain-attack-evolution-2020',
  ],
  expected: [
    { anyOf: ['integrity.artifact.digest_changed'], via: 'run', sees: 'the rebuilt version differs from its first build' },
    { anyOf: ['access.process.new'], via: 'run', sees: 'the implant process during the build' },
    { anyOf: ['access.file.new_outside_workspace'], via: 'run', sees: "the implant's log file in C:\\Windows\\Temp" },
  ],
  weeks: 4,
  shape: {
    ecosystem: 'dotnet',
    jobs: ['build', 'test'],
    customize(repo) {
      repo.runner = { selfHosted: true, ephemeral: false, os: 'Windows', name: 'orion-build-01' };
      repo.forkShare = 0;
      repo.reproducible = true;
      const build = repo.jobs.find((job) => job.kind === 'build')!;
      build.artifact = { name: 'SolarWinds.Orion.Core.BusinessLayer.dll', mode: 'versioned', signed: true, versionPrefix: '2020.2.5200' };
      build.secrets = ['CODE_SIGNING_CERT_PASSWORD'];
    },
  },
  inject(history, { rng }) {
    const template = lastRunOf(history, 'build', (event) => (event.artifacts ?? []).some((artifact) => artifact.version));
    const implant = (event: RunEvent) => {
      event.access!.processes!.push({ exe: SUNSPOT });
      event.access!.files_written = [...(event.access!.files_written ?? []), SUNSPOT_LOG];
    };
    // The approved commit rebuilt for release: same source, same version, the backdoor compiled in.
    const rebuild = attackRun(template, this.id, 0, endOf(history) + HOUR_MS, rng, (event) => {
      event.run.commit = template.event.run.commit;
      for (const artifact of event.artifacts ?? []) artifact.digest = `sha256:${fakeDigest('sunburst', artifact.name, artifact.version ?? '')}`;
      implant(event);
    });
    // Every later Orion build on that server carried the implant too.
    const next = attackRun(template, this.id, 1, endOf(history) + 5 * HOUR_MS, rng, (event) => {
      for (const artifact of event.artifacts ?? []) {
        artifact.version = `${artifact.version}1`;
        artifact.digest = `sha256:${fakeDigest('sunburst', artifact.name, artifact.version)}`;
      }
      implant(event);
    });
    const lines = benignLinesOf(history, template);
    return [...history, attackLog(rebuild, lines, this.id), rebuild, attackLog(next, lines, this.id), next];
  },
};
