import { fakeDigest } from '../random/prng.js';
import { usesTag, type Fleet, type JobSpec, type RepoSpec } from './fleet.js';

/**
 * The state of the outside world at a moment: which commit a moving action ref
 * points at, which toolchain build a repository runs, which package versions it
 * pinned. Each is a count of scheduled changes so far, so any run at any time can
 * be built without replaying history.
 */
export function countUpTo(times: readonly number[], at: number): number {
  let low = 0;
  let high = times.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (times[middle]! <= at) low = middle + 1;
    else high = middle;
  }
  return low;
}

export function actionSha(fleet: Fleet, action: string, at: number): string {
  return fakeDigest('action', action, countUpTo(fleet.actionReleases[action] ?? [], at)).slice(0, 40);
}

export function toolchainHash(repo: RepoSpec, exe: string, at: number): string {
  // Tools outside the toolchain come from the runner image: the same bytes fleet-wide.
  if (!repo.ecosystem.toolchain.includes(exe)) return fakeDigest('exe', exe);
  return fakeDigest('exe', repo.slug, exe, countUpTo(repo.toolchainUpgrades, at));
}

export function packageVersion(repo: RepoSpec, name: string, at: number): string {
  const bumps = countUpTo(repo.packageBumps[name] ?? [], at);
  const seed = fakeDigest('pkg', name);
  const major = 1 + (parseInt(seed.slice(0, 2), 16) % 5);
  return `${major}.${(parseInt(seed.slice(2, 4), 16) % 20) + bumps}.${parseInt(seed.slice(4, 5), 16)}`;
}

/** The same name@version has the same bytes wherever it is downloaded. */
export function packageDigest(name: string, version: string): string {
  return `sha256:${fakeDigest('pkg', name, version)}`;
}

export function installerDigest(fleet: Fleet, name: string, at: number): string {
  return `sha256:${fakeDigest('installer', name, countUpTo(fleet.installerUpdates[name] ?? [], at))}`;
}

export function downloadVersion(download: { releases: number[] }, at: number): string {
  return `1.0.${countUpTo(download.releases, at)}`;
}

export function hostsAt(repo: RepoSpec, job: JobSpec, at: number): string[] {
  const added = repo.mirrorAdds.filter((mirror) => mirror.at <= at).map((mirror) => mirror.host);
  return [...job.hosts, ...added];
}

export function secretsAt(job: JobSpec, at: number): string[] {
  return job.addedSecret && job.addedSecret.at <= at ? [...job.secrets, job.addedSecret.name] : job.secrets;
}

export function permissionsAt(job: JobSpec, at: number): Record<string, string> {
  if (!job.addedPermission || job.addedPermission.at > at) return job.permissions;
  return { ...job.permissions, [job.addedPermission.scope]: job.addedPermission.level };
}

export function queueFactor(fleet: Fleet, at: number): number {
  for (const spike of fleet.queueSpikes) if (spike.from <= at && at < spike.to) return spike.factor;
  return 1;
}

export function releaseManagersAt(repo: RepoSpec, at: number): string[] {
  return repo.newReleaseManager && repo.newReleaseManager.at <= at ? [...repo.releaseManagers, repo.newReleaseManager.name] : repo.releaseManagers;
}

/** Everything that makes up a job's world at a moment, as counts: a change in any is a cause to tag. */
export function worldEpochs(fleet: Fleet, repo: RepoSpec, job: JobSpec, at: number): Record<string, number> {
  let actions = 0;
  for (const action of job.actions) if (usesTag(repo, action)) actions += countUpTo(fleet.actionReleases[action] ?? [], at);
  let packages = 0;
  for (const name of job.packages) packages += countUpTo(repo.packageBumps[name] ?? [], at);
  for (const download of job.downloads) packages += countUpTo(download.releases, at);
  return {
    action_release: actions,
    toolchain_upgrade: countUpTo(repo.toolchainUpgrades, at),
    dependency_bump: packages,
    installer_update: job.installer ? countUpTo(fleet.installerUpdates[job.installer.name] ?? [], at) : 0,
    new_mirror: repo.mirrorAdds.filter((mirror) => mirror.at <= at).length,
    secret_added: job.addedSecret && job.addedSecret.at <= at ? 1 : 0,
    permission_added: job.addedPermission && job.addedPermission.at <= at ? 1 : 0,
  };
}
