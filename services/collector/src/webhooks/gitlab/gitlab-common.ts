import type { RunEvent } from '@pipewatch/shared';
import { clip } from '../map-helpers.js';
import type { GitlabRunner } from './gitlab-payloads.js';

type RunStatus = NonNullable<RunEvent['run']['status']>;

/** The finished states; every other one (created, pending, running, manual, ...) is not mapped yet. */
export const FINISHED: Readonly<Record<string, RunStatus>> = {
  success: 'success',
  failed: 'failure',
  canceled: 'cancelled',
  skipped: 'skipped',
};

/** GitLab's pipeline sources in the contract's trigger words where one exists; the rest as GitLab says them. */
export function triggerOf(source: string | null | undefined): string | undefined {
  if (!source) return undefined;
  if (source === 'merge_request_event') return 'merge_request';
  if (source === 'web') return 'manual';
  return clip(source, 100);
}

/**
 * Project and group runners are the customer's own machines. Instance runners are
 * GitLab's on gitlab.com but the customer's on a self-managed GitLab, so they are
 * left unknown.
 */
export function mapRunner(runner: GitlabRunner): RunEvent['runner'] {
  if (!runner) return undefined;
  const tags = (runner.tags ?? []).slice(0, 100).map((tag) => clip(tag, 200));
  const type = runner.runner_type ?? (runner.is_shared === false ? 'project_type' : undefined);
  const selfHosted = type === 'project_type' || type === 'group_type' ? true : undefined;
  const mapped = {
    ...(runner.description ? { name: clip(runner.description, 300) } : {}),
    ...(tags.length > 0 ? { labels: tags } : {}),
    ...(selfHosted === undefined ? {} : { self_hosted: selfHosted }),
  };
  return Object.keys(mapped).length > 0 ? mapped : undefined;
}

/**
 * `group/project` for hooks that carry no `project` object (older job hooks): the
 * path of the repository's homepage URL, else the numeric project id.
 */
export function projectPath(path: string | null | undefined, homepage: string | null | undefined, projectId: number | null | undefined): string {
  if (path) return path;
  if (homepage) {
    try {
      const fromUrl = new URL(homepage).pathname.replace(/^\/+|\/+$/g, '');
      if (fromUrl) return fromUrl;
    } catch {
      // Not a URL: fall through to the id.
    }
  }
  return `project-${projectId ?? 'unknown'}`;
}
