import type { GitHubRunnerFacts } from './github-types.js';

const GITHUB_RUNNER_NAME = /^(GitHub Actions \d+|Hosted Agent)$/;

/**
 * Whether the job ran on a GitHub-hosted runner, from what the setup section printed.
 *
 * - `true` when the runner said it was assigned a hosted runner (`... on the hosted runner: ... (hosted)`),
 *   when the provisioner group names the `Hosted Compute Agent`, or when a `Runner Image` /
 *   `Virtual Environment` group with an image version was printed and the runner name, if any,
 *   looks like GitHub's (`GitHub Actions 12`).
 * - `false` when the setup section was seen (a runner version was printed) but no image group,
 *   or the assignment line named a non-hosted pool (`(repository)`, `(organization)`, ...).
 * - `undefined` when the log has no setup section, or the signals disagree.
 *
 * Uncertain: the image group comes from a file on the machine, so a self-hosted runner built
 * from GitHub's runner image prints it too, and a self-hosted runner may be named anything,
 * including `GitHub Actions 1`. Larger runners and Azure-private-network runners are hosted
 * but may name themselves differently. Treat this as a hint, never as proof.
 */
export function hostedFromRunner(r: GitHubRunnerFacts): boolean | undefined {
  if (r.assignedPool !== undefined) {
    const hostedPool = r.assignedPool === 'hosted';
    if (hostedPool && r.name !== undefined && !GITHUB_RUNNER_NAME.test(r.name) && r.image === undefined) return undefined;
    return hostedPool;
  }
  if (r.hostedComputeAgent) return true;
  if (r.version === undefined) return undefined;
  const hasImage = r.image?.version !== undefined;
  if (!hasImage) return false;
  if (r.name === undefined || GITHUB_RUNNER_NAME.test(r.name)) return true;
  return undefined;
}
