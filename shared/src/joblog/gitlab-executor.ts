import type { GitLabExecutor } from './gitlab-types.js';

/** Maps the `Using <X> executor` wording to the executor's config name, when it is unambiguous. */
export function executorFromUsingLine(what: string): GitLabExecutor | undefined {
  const w = what.toLowerCase();
  if (w.startsWith('docker machine')) return 'docker+machine';
  if (w === 'docker') return 'docker'; // docker+machine and docker-autoscaler print this too
  if (w.startsWith('kubernetes')) return 'kubernetes';
  if (w.startsWith('shell')) return 'shell';
  if (w.startsWith('ssh')) return 'ssh';
  if (w.startsWith('virtualbox')) return 'virtualbox';
  if (w.startsWith('parallels')) return 'parallels';
  if (w.startsWith('custom')) return 'custom';
  return undefined;
}

/**
 * Whether the job ran somewhere no earlier job could have left anything behind.
 *
 * - true: `docker+machine`, `docker-autoscaler`, `instance` (a VM per job, as GitLab.com's hosted
 *   runners use them), and `kubernetes` (a new pod whose build directory is a pod volume).
 *   Uncertain: `MaxBuilds` / `max_use_count` above 1 lets one VM serve several jobs, and a
 *   Kubernetes runner can mount host paths; the trace shows neither.
 * - false: plain `docker` — the container is new, but the host, its Docker daemon and the build
 *   and cache volumes (`Reinitialized existing Git repository`) outlive the job; `shell` and `ssh`
 *   run on a long-lived machine.
 * - undefined: `virtualbox` / `parallels` (fresh only when a snapshot is restored, which the
 *   trace does not say), `custom`, anything unknown, or no executor line.
 */
export function ephemeralFromExecutor(executor: GitLabExecutor | undefined): boolean | undefined {
  switch (executor) {
    case 'docker+machine':
    case 'docker-autoscaler':
    case 'instance':
    case 'kubernetes':
      return true;
    case 'docker':
    case 'docker-windows':
    case 'shell':
    case 'ssh':
      return false;
    default:
      return undefined;
  }
}
